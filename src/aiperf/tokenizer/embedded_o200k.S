/* The builtin tokenizer's rank file (tiktoken o200k_base) is linked into the binary so that
   `--tokenizer builtin` needs no file and no download. */
    .section .rodata
    .global aiperf_o200k_data
    .global aiperf_o200k_size
    .balign 16
aiperf_o200k_data:
    .incbin AIPERF_O200K_PATH
aiperf_o200k_end:
    .balign 8
aiperf_o200k_size:
    .quad aiperf_o200k_end - aiperf_o200k_data
    .section .note.GNU-stack,"",@progbits
