/* A shared object without aiperf_plugin_init: aiperf must refuse it with one line. */
int not_a_plugin_answer(void) {
  return 42;
}
