// Constant-time helpers. `ct::equal` is the only comparison e2ekit uses for
// MACs, tags and secrets. `ct::poison`/`unpoison` mark secret memory as
// undefined for valgrind's memcheck (Langley's ctgrind trick, as Botan's
// ct_utils.h does): a branch or index on a poisoned byte is then reported.
// They compile to nothing unless E2EKIT_CTGRIND is defined.
#ifndef E2EKIT_CORE_CT_HPP
#define E2EKIT_CORE_CT_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/detail/sodium.hpp>

#include <string_view>

#if defined(E2EKIT_CTGRIND)
#include <valgrind/memcheck.h>
#endif

namespace e2ekit::ct {

/// Equal length and equal bytes, in time that depends only on the lengths.
inline bool equal(bytes_view a, bytes_view b) noexcept {
    if (a.size() != b.size()) return false;
    if (a.empty()) return true;
    return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

/// Overwrites memory in a way the compiler may not elide.
inline void wipe(void* p, std::size_t n) noexcept {
    if (n) sodium_memzero(p, n);
}
inline void wipe(mutable_bytes_view b) noexcept {
    wipe(b.data(), b.size());
}

/// Whether every byte is zero, without branching on the bytes.
inline bool is_zero(bytes_view b) noexcept {
    return b.empty() || sodium_is_zero(b.data(), b.size()) == 1;
}

/// Whether any byte has its top bit set, without a branch per byte (the
/// text may be a key). libsodium 1.0.18's base64 decoder reads characters
/// as signed and takes every byte >= 0x80 for a digit ("AAA\xf5" decodes to
/// three bytes), so every caller of sodium_base642bin refuses such text
/// first. Only "some such byte exists" leaks.
inline bool has_high_bit(std::string_view text) noexcept {
    unsigned high = 0;
    for (char c : text)
        high |= static_cast<unsigned char>(c);
    return (high & 0x80) != 0;
}

inline void poison([[maybe_unused]] const void* p, [[maybe_unused]] std::size_t n) noexcept {
#if defined(E2EKIT_CTGRIND)
    VALGRIND_MAKE_MEM_UNDEFINED(p, n);
#endif
}

inline void unpoison([[maybe_unused]] const void* p, [[maybe_unused]] std::size_t n) noexcept {
#if defined(E2EKIT_CTGRIND)
    VALGRIND_MAKE_MEM_DEFINED(p, n);
#endif
}

template <class T>
void unpoison(const T& v) noexcept {
    unpoison(&v, sizeof(T));
}

} // namespace e2ekit::ct

#endif
