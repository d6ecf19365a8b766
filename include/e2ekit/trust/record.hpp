// What a device knows about one peer's identity: the public key pinned for
// it and the level given to that key. A trust policy reads it (concept.hpp)
// and a store keeps it in the versioned form below. Identity keys are
// public, so the record is plain bytes and compares in variable time.
//
// Stored form (version 1):  0x01 | level:u8 | key (1 .. max_key_size bytes)
#ifndef E2EKIT_TRUST_RECORD_HPP
#define E2EKIT_TRUST_RECORD_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/trust/error.hpp>
#include <e2ekit/trust/level.hpp>

#include <cstddef>
#include <cstdint>

namespace e2ekit::trust {

struct record {
    bytes key; ///< the pinned identity key, in the protocol's own encoding
    level trust = level::undecided;

    friend bool operator==(const record&, const record&) = default;
};

namespace detail {
inline constexpr std::uint8_t record_version = 1;
} // namespace detail

/// Identity keys of every protocol e2ekit speaks are 32 or 33 bytes; the
/// bound keeps a damaged record from claiming a large one.
inline constexpr std::size_t max_key_size = 256;

inline bytes encode(const record& r) {
    bytes out;
    out.reserve(2 + r.key.size());
    out.push_back(detail::record_version);
    out.push_back(static_cast<byte>(r.trust));
    out.insert(out.end(), r.key.begin(), r.key.end());
    return out;
}

/// Strict: `bad_record` for another version, an unknown level, or a key
/// that is empty or over max_key_size.
inline result<record> parse_record(bytes_view stored) {
    if (stored.size() < 3 || stored.size() > 2 + max_key_size) return trust_error::bad_record;
    if (stored[0] != detail::record_version) return trust_error::bad_record;
    const auto l = level_from_byte(stored[1]);
    if (!l) return trust_error::bad_record;
    return record{to_bytes(stored.subspan(2)), *l};
}

} // namespace e2ekit::trust

#endif
