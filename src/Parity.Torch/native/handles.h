// Handle bookkeeping and the error convention shared by every translation unit of the shim.
#pragma once
#include <ATen/ATen.h>
#include <string>
#include <vector>

namespace parity {

// Records the message of the exception being handled as this thread's last error.
void set_last_error(const std::string& message);
void clear_last_error();

// Tensor handles: heap-allocated at::Tensor objects registered in a live set.
void* register_tensor(at::Tensor tensor);
at::Tensor& tensor_of(void* handle, const char* what = "tensor");
void release_tensor(void* handle);
int64_t live_tensor_count();
std::vector<at::Tensor> tensors_of(void* const* handles, int32_t count);

// Any other object type behind an opaque handle (optimizers, schedulers), checked the same way.
void register_object(void* object);
void check_object(void* handle, const char* what);
void release_object(void* handle);

}  // namespace parity

// Runs the body, turning any exception into the thread's last error and `fallback` as result.
#define PT_GUARD(fallback, ...)                                        \
  do {                                                                 \
    parity::clear_last_error();                                        \
    try {                                                              \
      __VA_ARGS__                                                      \
    } catch (const c10::Error& e) {                                    \
      parity::set_last_error(e.what_without_backtrace());              \
    } catch (const std::exception& e) {                                \
      parity::set_last_error(e.what());                                \
    } catch (...) {                                                    \
      parity::set_last_error("unknown C++ exception in libtorch");     \
    }                                                                  \
    return fallback;                                                   \
  } while (0)
