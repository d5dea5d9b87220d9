#include "handles.h"

#include <mutex>
#include <stdexcept>
#include <unordered_set>

#include "parity_torch.h"

namespace parity {
namespace {
thread_local std::string last_error;
std::mutex registry_mutex;
std::unordered_set<void*> live_tensors;
std::unordered_set<void*> live_objects;
}  // namespace

void set_last_error(const std::string& message) { last_error = message.empty() ? "libtorch failed without a message" : message; }
void clear_last_error() { last_error.clear(); }

void* register_tensor(at::Tensor tensor) {
  auto* handle = new at::Tensor(std::move(tensor));
  std::lock_guard<std::mutex> lock(registry_mutex);
  live_tensors.insert(handle);
  return handle;
}

at::Tensor& tensor_of(void* handle, const char* what) {
  std::lock_guard<std::mutex> lock(registry_mutex);
  if (handle == nullptr) throw std::invalid_argument(std::string("null ") + what + " handle");
  if (live_tensors.count(handle) == 0) throw std::invalid_argument(std::string("invalid ") + what + " handle (disposed or never created)");
  return *static_cast<at::Tensor*>(handle);
}

void release_tensor(void* handle) {
  {
    std::lock_guard<std::mutex> lock(registry_mutex);
    if (live_tensors.erase(handle) == 0) throw std::invalid_argument("invalid tensor handle (disposed twice or never created)");
  }
  delete static_cast<at::Tensor*>(handle);
}

int64_t live_tensor_count() {
  std::lock_guard<std::mutex> lock(registry_mutex);
  return static_cast<int64_t>(live_tensors.size());
}

std::vector<at::Tensor> tensors_of(void* const* handles, int32_t count) {
  if (count < 0 || (count > 0 && handles == nullptr)) throw std::invalid_argument("invalid tensor list");
  std::vector<at::Tensor> tensors;
  for (int32_t i = 0; i < count; i++) tensors.push_back(tensor_of(handles[i], "parameter"));
  return tensors;
}

void register_object(void* object) {
  std::lock_guard<std::mutex> lock(registry_mutex);
  live_objects.insert(object);
}

void check_object(void* handle, const char* what) {
  std::lock_guard<std::mutex> lock(registry_mutex);
  if (handle == nullptr || live_objects.count(handle) == 0) throw std::invalid_argument(std::string("invalid ") + what + " handle");
}

void release_object(void* handle) {
  std::lock_guard<std::mutex> lock(registry_mutex);
  live_objects.erase(handle);
}

}  // namespace parity

PT_API const char* pt_last_error() { return parity::last_error.empty() ? nullptr : parity::last_error.c_str(); }

PT_API int64_t pt_live_tensors() { PT_GUARD(-1, return parity::live_tensor_count();); }
