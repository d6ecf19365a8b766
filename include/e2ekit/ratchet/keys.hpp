// The nouns every Double Ratchet shares (Signal's "The Double Ratchet
// Algorithm", rev. 1, 2016): the root key, chain keys and message keys,
// each a distinct secret type so that one cannot be passed for another; the
// two roles of a session; and the label type KDF building blocks take.
#ifndef E2EKIT_RATCHET_KEYS_HPP
#define E2EKIT_RATCHET_KEYS_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/secret.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace e2ekit::ratchet {

/// Root, chain and message keys are 32 bytes in every Double Ratchet
/// e2ekit speaks (Signal, OMEMO 0.3 and 2, Olm).
inline constexpr std::size_t key_size = 32;

struct root_key_tag;
struct chain_key_tag;
struct message_key_tag;

using root_key = secret<key_size, root_key_tag>;       ///< RK, §3.2
using chain_key = secret<key_size, chain_key_tag>;     ///< CKs / CKr, §3.2
using message_key = secret<key_size, message_key_tag>; ///< mk, before its expansion

/// KDF_RK's two outputs (§5.2): the next root key and a new chain key.
struct root_step {
    root_key root;
    chain_key chain;
};

/// KDF_CK's two outputs (§5.2): the message key and the next chain key.
struct chain_step {
    message_key message;
    chain_key next;
};

/// Who started the session: the initiator used the other's bundle (Alice),
/// the responder answered its first message (Bob).
enum class role : std::uint8_t { initiator, responder };

/// What a header's previous-chain counter carries. The Double Ratchet
/// spec's PN is the number of messages sent on the previous sending chain
/// (§3.2 `count`); libsignal-protocol-c sends that number minus one, the
/// index of the last message, and 0 for an empty chain (`last_index`).
enum class previous_counter_rule : std::uint8_t { count, last_index };

/// A KDF label usable as a template argument: `hkdf_root<kdf, "...">`.
template <std::size_t N>
struct label {
    char text[N]{};
    constexpr label(const char (&s)[N]) noexcept { std::copy_n(s, N, text); } // NOLINT: implicit
    /// Without the terminating NUL: the bytes that enter the KDF.
    constexpr std::string_view view() const noexcept { return {text, N - 1}; }
    bytes_view bytes() const noexcept { return as_bytes(view()); }
};

} // namespace e2ekit::ratchet

#endif
