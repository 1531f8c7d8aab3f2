/* The HTML report's assets, linked into the binary so that a report needs no file and no
   download: uPlot (npm, fetched by scripts/install-deps.sh) and our own script and styles. */
    .section .rodata
    .global aiperf_asset_uplot_js, aiperf_asset_uplot_js_size
    .global aiperf_asset_uplot_css, aiperf_asset_uplot_css_size
    .global aiperf_asset_report_js, aiperf_asset_report_js_size
    .global aiperf_asset_report_css, aiperf_asset_report_css_size
    .balign 16
aiperf_asset_uplot_js:
    .incbin AIPERF_UPLOT_JS
aiperf_asset_uplot_js_end:
    .balign 16
aiperf_asset_uplot_css:
    .incbin AIPERF_UPLOT_CSS
aiperf_asset_uplot_css_end:
    .balign 16
aiperf_asset_report_js:
    .incbin AIPERF_REPORT_JS
aiperf_asset_report_js_end:
    .balign 16
aiperf_asset_report_css:
    .incbin AIPERF_REPORT_CSS
aiperf_asset_report_css_end:
    .balign 8
aiperf_asset_uplot_js_size:
    .quad aiperf_asset_uplot_js_end - aiperf_asset_uplot_js
aiperf_asset_uplot_css_size:
    .quad aiperf_asset_uplot_css_end - aiperf_asset_uplot_css
aiperf_asset_report_js_size:
    .quad aiperf_asset_report_js_end - aiperf_asset_report_js
aiperf_asset_report_css_size:
    .quad aiperf_asset_report_css_end - aiperf_asset_report_css
    .section .note.GNU-stack,"",@progbits
