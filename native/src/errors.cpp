#include "errors.h"

#include <c10/util/Exception.h>

#include <new>

namespace slm {

namespace {
thread_local std::string last_error;
}

void set_last_error(const std::string& message) { last_error = message; }

slm_status handle_current_exception() {
  try {
    throw;
  } catch (const Failure& e) {
    set_last_error(e.what());
    return e.status;
  } catch (const c10::OutOfMemoryError& e) {
    set_last_error(e.what_without_backtrace());
    return SLM_OUT_OF_MEMORY;
  } catch (const c10::IndexError& e) {
    set_last_error(e.what_without_backtrace());
    return SLM_INVALID_ARGUMENT;
  } catch (const c10::ValueError& e) {
    set_last_error(e.what_without_backtrace());
    return SLM_INVALID_ARGUMENT;
  } catch (const c10::Error& e) {
    set_last_error(e.what_without_backtrace());
    return SLM_ERROR;
  } catch (const std::bad_alloc&) {
    set_last_error("out of memory");
    return SLM_OUT_OF_MEMORY;
  } catch (const std::exception& e) {
    set_last_error(e.what());
    return SLM_ERROR;
  } catch (...) {
    set_last_error("unknown error");
    return SLM_ERROR;
  }
}

}  // namespace slm

SLM_API const char* slm_last_error(void) { return slm::last_error.c_str(); }
