/* The four built-in source images of --image-source assets (data/images/, original drawings)
   are linked into the binary so that the program needs no data files at run time. Layout:
   a count, one size per image, then the JPEG files back to back (no relocations). */
    .section .rodata
    .global aiperf_image_assets
    .balign 16
aiperf_image_assets:
    .quad 4
    .quad img1_end - img1_begin, img2_end - img2_begin
    .quad img3_end - img3_begin, img4_end - img4_begin
img1_begin:
    .incbin AIPERF_IMAGE_1
img1_end:
img2_begin:
    .incbin AIPERF_IMAGE_2
img2_end:
img3_begin:
    .incbin AIPERF_IMAGE_3
img3_end:
img4_begin:
    .incbin AIPERF_IMAGE_4
img4_end:
    .section .note.GNU-stack,"",@progbits
