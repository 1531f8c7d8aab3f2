/* The synthetic-prompt corpus (data/corpus/kjv.txt) is linked into the binary so that prompt
   generation needs no file at run time. */
    .section .rodata
    .global aiperf_corpus_data
    .global aiperf_corpus_size
    .balign 16
aiperf_corpus_data:
    .incbin AIPERF_CORPUS_PATH
aiperf_corpus_end:
    .balign 8
aiperf_corpus_size:
    .quad aiperf_corpus_end - aiperf_corpus_data
    .section .note.GNU-stack,"",@progbits
