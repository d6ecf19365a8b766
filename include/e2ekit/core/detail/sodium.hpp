// libsodium must be initialised once before use; every e2ekit entry point
// that touches it calls ensure_sodium(), which costs one atomic load after
// the first call.
#ifndef E2EKIT_CORE_DETAIL_SODIUM_HPP
#define E2EKIT_CORE_DETAIL_SODIUM_HPP

#include <sodium.h>

#include <stdexcept>

namespace e2ekit::detail {

inline void ensure_sodium() {
    static const bool ready = [] {
        if (sodium_init() < 0) throw std::runtime_error("e2ekit: libsodium failed to initialise");
        return true;
    }();
    (void)ready;
}

} // namespace e2ekit::detail

#endif
