// Identity keys shown as hex, the way OMEMO clients show them: every byte
// as two upper-case digits between colons ("05:1A:..."), or python-omemo's
// `format_identity_key` form, lower-case digits in groups of eight (XEP-0384
// §5.3 asks for the Curve25519 form of the key: an OMEMO 2 Ed25519 key is
// converted first, crypto/xeddsa.hpp). Identity keys are public; nothing
// here is constant time.
#ifndef E2EKIT_IDENTITY_HEX_FINGERPRINT_HPP
#define E2EKIT_IDENTITY_HEX_FINGERPRINT_HPP

#include <e2ekit/core/bytes.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace e2ekit::identity {

/// "01:23:AB:...": two upper-case hex digits per byte, colon-separated.
inline std::string colon_hex(bytes_view key) {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(key.size() * 3);
    for (std::size_t i = 0; i < key.size(); ++i) {
        if (i) out.push_back(':');
        out.push_back(digits[key[i] >> 4]);
        out.push_back(digits[key[i] & 0x0F]);
    }
    return out;
}

/// Lower-case hex in groups of `group_chars` digits (python-omemo: 8), the
/// last group shorter when the digits do not divide evenly. `group_chars`
/// of 0 gives one group.
inline std::vector<std::string> hex_groups(bytes_view key, std::size_t group_chars = 8) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string all;
    all.reserve(key.size() * 2);
    for (byte b : key) {
        all.push_back(digits[b >> 4]);
        all.push_back(digits[b & 0x0F]);
    }
    if (group_chars == 0) return {all};
    std::vector<std::string> out;
    for (std::size_t i = 0; i < all.size(); i += group_chars)
        out.push_back(all.substr(i, group_chars));
    return out;
}

} // namespace e2ekit::identity

#endif
