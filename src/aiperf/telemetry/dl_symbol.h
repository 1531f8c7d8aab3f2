// Symbols of a library opened with dlopen (NVML, AMD SMI), resolved into typed function pointers.
#pragma once
#include <dlfcn.h>

namespace aiperf::telemetry {

/// `fn` = the symbol `name` of `handle`, or nullptr when the library lacks it.
template <typename Fn>
void dl_symbol(void* handle, Fn& fn, const char* name) {
  fn = reinterpret_cast<Fn>(::dlsym(handle, name));
}

}  // namespace aiperf::telemetry
