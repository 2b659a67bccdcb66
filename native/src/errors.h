// Status codes, the thread-local last error, and guard(): the only way exceptions leave the library.
#pragma once
#include <stdexcept>
#include <string>
#include <utility>

#include "sequencelm.h"

namespace slm {

// Thrown by our own checks; carries the status to return.
class Failure : public std::runtime_error {
 public:
  Failure(slm_status status, const std::string& message) : std::runtime_error(message), status(status) {}
  slm_status status;
};

[[noreturn]] inline void fail(slm_status status, const std::string& message) { throw Failure(status, message); }
inline void require(bool condition, const std::string& message) {
  if (!condition) fail(SLM_INVALID_ARGUMENT, message);
}
template <typename T>
T* require_pointer(T* pointer, const char* name) {
  if (pointer == nullptr) fail(SLM_INVALID_ARGUMENT, std::string(name) + " must not be null");
  return pointer;
}

void set_last_error(const std::string& message);
slm_status handle_current_exception();
void ensure_initialized();  // library.cpp: threads, once

// Runs body, translating every exception into a status and a last-error message.
template <typename Body>
int32_t guard(Body&& body) {
  try {
    ensure_initialized();
    body();
    return SLM_OK;
  } catch (...) {
    return handle_current_exception();
  }
}

}  // namespace slm
