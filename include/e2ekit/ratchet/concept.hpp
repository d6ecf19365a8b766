// What a Double Ratchet params type must give `double_ratchet<P>`. A params
// struct opts in with `using double_ratchet_concept = double_ratchet_tag;`.
// Signal's is protocols/signal/params.hpp; kdf.hpp has building blocks.
//
// `rk` is a `root_key`, `ck` a `chain_key`, `mk` a `message_key`, `dh` a
// `bytes_view` (a DH output), `raw` a `fixed_view<P::message_keys::size>`,
// `keys` a `const P::message_keys`.
//
// | expression                    | type                    | semantics                             |
// |-------------------------------|-------------------------|---------------------------------------|
// | `P::double_ratchet_concept`   | `double_ratchet_tag`    | opts in                               |
// | `P::dh`                       | `crypto::diffie_hellman`| ratchet key pairs, DH (§5.2           |
// |                               |                         | GENERATE_DH, DH)                      |
// | `P::root_kdf::step(rk, dh)`   | `root_step`             | KDF_RK (§5.2)                         |
// | `P::chain_kdf::step(ck)`      | `chain_step`            | KDF_CK (§5.2)                         |
// | `P::message_keys::derive(mk)` | `P::message_keys`       | what the envelope encrypts and MACs   |
// |                               |                         | with; move-only, wiped                |
// | `P::message_keys::size`       | `std::size_t`           | bytes of its stored form              |
// | `P::message_keys(raw)`        | `P::message_keys`       | from the stored form (explicit)       |
// | `keys.view()`                 | `fixed_view<size>`      | the stored form                       |
// | `keys.clone()`                | `P::message_keys`       | an explicit copy                      |
// | `P::limits`                   | `limits` (constexpr)    | bounds on skipping and storage        |
// | `P::first_sender`             | `role` (constexpr)      | who owns the agreed chain as its      |
// |                               |                         | first sending chain (see below)       |
// | `P::previous_counter`         | `previous_counter_rule` | what headers carry as PN              |
// | `P::state_label`              | `std::string_view`      | names the params in a serialised      |
// |                               |                         | state; a state of other params is     |
// |                               |                         | refused                               |
// | `P::first_chain`              | `first_chain_rule`      | optional (`agreed` when absent): what |
// |                               |                         | starts the first chains (see below)   |
//
// First chains. Agreement yields a root key and a chain key; one side sends
// on that chain, the other receives on it:
// - `first_sender == role::responder` (Signal, OMEMO): the responder's
//   first sending chain is (its signed pre-key pair, the chain key); the
//   initiator receives on (that signed pre-key, the chain key) and
//   ratchets once with a fresh key before it sends.
// - `first_sender == role::initiator` (Olm): the initiator sends on the
//   chain with a fresh ratchet key; the responder receives on it.
// The session composing agreement and ratchet picks `start_sending` or
// `start_receiving` from this constant; the ratchet itself has no roles.
//
// That is `first_chain == first_chain_rule::agreed`. With
// `first_chain_rule::from_root` the agreed chain key is not used: the
// agreement's root key alone is SK, and the chains start as the Double
// Ratchet spec initialises them (§3.3, RatchetInitAlice / RatchetInitBob;
// OMEMO 2 through python-doubleratchet): the initiator draws a ratchet key
// pair and sends on KDF_RK(SK, DH(it, the responder's signed pre-key)); the
// responder holds its signed pre-key pair as ratchet key and no chain until
// the first message arrives. `first_sender` must then be
// `role::initiator`, and the session calls `start_initiator` and
// `start_responder`.
#ifndef E2EKIT_RATCHET_CONCEPT_HPP
#define E2EKIT_RATCHET_CONCEPT_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/crypto/concepts/diffie_hellman.hpp>
#include <e2ekit/ratchet/keys.hpp>

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

namespace e2ekit::ratchet {

/// The opt-in tag of `double_ratchet_params`.
struct double_ratchet_tag {};

/// What starts a session's first chains (see the table above).
enum class first_chain_rule : std::uint8_t {
    agreed,    ///< the agreed chain key is `first_sender`'s first sending chain
    from_root, ///< the root key alone; the initiator derives its first chain (§3.3)
};

namespace detail {

template <class P>
concept declares_first_chain = requires {
    P::first_chain;
};

template <class P>
constexpr first_chain_rule first_chain_value() noexcept {
    if constexpr (requires {
                      { P::first_chain } -> std::convertible_to<first_chain_rule>;
                  })
        return P::first_chain;
    else
        return first_chain_rule::agreed;
}

} // namespace detail

/// `P::first_chain`, or `first_chain_rule::agreed` when P does not say.
template <class P>
inline constexpr first_chain_rule first_chain_of = detail::first_chain_value<P>();

/// Bounds that keep a hostile peer from making a receiver derive or store
/// without end (§4 "Out-of-order messages": MAX_SKIP).
struct limits {
    /// Keys one message may make the receiver derive past its chain's
    /// position (libsignal-protocol-c: 2000, checked as counter - index).
    std::uint32_t max_skip = 0;
    /// Receiver chains kept; the oldest goes first (libsignal-protocol-c: 5).
    std::size_t max_receiver_chains = 0;
    /// Skipped message keys kept per receiver chain; the oldest goes first
    /// (libsignal-protocol-c: 2000).
    std::size_t max_skipped_keys_per_chain = 0;
};

template <class P>
concept double_ratchet_params =
    std::same_as<typename P::double_ratchet_concept, double_ratchet_tag> &&
    crypto::diffie_hellman<typename P::dh> &&
    std::is_nothrow_move_constructible_v<typename P::message_keys> &&
    !std::is_copy_constructible_v<typename P::message_keys> &&
    requires(const root_key& rk, const chain_key& ck, const message_key& mk, bytes_view dh,
             fixed_view<P::message_keys::size> raw, const typename P::message_keys& keys) {
    { P::root_kdf::step(rk, dh) } -> std::same_as<root_step>;
    { P::chain_kdf::step(ck) } -> std::same_as<chain_step>;
    { P::message_keys::derive(mk) } -> std::same_as<typename P::message_keys>;
    { typename P::message_keys(raw) } -> std::same_as<typename P::message_keys>;
    { keys.view() } -> std::same_as<fixed_view<P::message_keys::size>>;
    { keys.clone() } -> std::same_as<typename P::message_keys>;
    { P::limits } -> std::convertible_to<limits>;
    { P::first_sender } -> std::convertible_to<role>;
    { P::previous_counter } -> std::convertible_to<previous_counter_rule>;
    { P::state_label } -> std::convertible_to<std::string_view>;
}
&&(P::limits.max_skip > 0) && (P::limits.max_receiver_chains > 0) &&
    (P::limits.max_skipped_keys_per_chain > 0) &&
    (!detail::declares_first_chain<P> ||
     requires {
         { P::first_chain } -> std::convertible_to<first_chain_rule>;
     }) &&
    (first_chain_of<P> == first_chain_rule::agreed || P::first_sender == role::initiator);

/// The opt-in tag of `sender_key_params`.
struct sender_key_tag {};

/// What a sender-key params type must give `sender_key<P>` (sender_key.hpp:
/// a symmetric chain one sender shares with a group, libsignal-protocol-c's
/// group cipher). A params struct opts in with
/// `using sender_key_concept = sender_key_tag;`. `ck` is a `chain_key`,
/// `mk` a `message_key`.
///
/// | expression                    | type               | semantics                          |
/// |-------------------------------|--------------------|------------------------------------|
/// | `P::sender_key_concept`       | `sender_key_tag`   | opts in                            |
/// | `P::chain_kdf::step(ck)`      | `chain_step`       | the message key and the next chain |
/// |                               |                    | key (Signal: HMAC(ck, 0x01) and    |
/// |                               |                    | HMAC(ck, 0x02))                    |
/// | `P::message_keys::derive(mk)` | `P::message_keys`  | what the cipher takes (Signal:     |
/// |                               |                    | HKDF "WhisperGroup", IV 16 ‖ key   |
/// |                               |                    | 32); move-only, wiped              |
/// | `P::max_forward`              | `std::uint32_t`    | keys one message may skip, > 0     |
/// | `P::max_stored_keys`          | `std::size_t`      | skipped keys kept per state, > 0;  |
/// |                               |                    | the oldest go first                |
/// | `P::state_label`              | `std::string_view` | names the params in a stored       |
/// |                               |                    | state; a state of other params is  |
/// |                               |                    | refused                            |
template <class P>
concept sender_key_params = std::same_as<typename P::sender_key_concept, sender_key_tag> &&
                            std::is_nothrow_move_constructible_v<typename P::message_keys> &&
                            !std::is_copy_constructible_v<typename P::message_keys> &&
                            requires(const chain_key& ck, const message_key& mk) {
    { P::chain_kdf::step(ck) } -> std::same_as<chain_step>;
    { P::message_keys::derive(mk) } -> std::same_as<typename P::message_keys>;
    { P::max_forward } -> std::convertible_to<std::uint32_t>;
    { P::max_stored_keys } -> std::convertible_to<std::size_t>;
    { P::state_label } -> std::convertible_to<std::string_view>;
}
&&(P::max_forward > 0) && (P::max_stored_keys > 0);

} // namespace e2ekit::ratchet

#endif
