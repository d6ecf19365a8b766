// The OMEMO backend concept: what session::manager needs of one protocol
// version (python-omemo's Backend, XEP-0384 §5-§7), so that several
// versions run side by side in one manager. The protocol aliases
// `protocols::oldmemo` and `protocols::twomemo` model it.
//
// A backend opts in with `using omemo_backend_concept =
// e2ekit::session::omemo_backend_tag;` and offers, for `r` a random source,
// `id` an `identity`, `pk` a `prekeys`, `s` a `session`, `km` a
// `key_material`, `k` a `key`, `m` a `message`, `xml` a `std::string_view`:
//
// | expression                         | type                       | semantics                 |
// |------------------------------------|----------------------------|---------------------------|
// | `B::namespace_uri`                 | `std::string_view`         | the XML namespace         |
// | `B::identity_from_seed(seed)`      | `identity`                 | the device identity, from |
// |                                    |                            | the one seed every backend|
// |                                    |                            | shares (1)                |
// | `B::identity_key(id)`              | `byte_array<32>`           | its Ed25519 form (1)      |
// | `B::new_prekeys(id, r, n, now)`    | `prekeys`                  | signed + `n` one-time     |
// | `B::visible_prekeys(pk)`           | `std::size_t`              | one-time keys in a bundle |
// | `B::add_prekeys(pk, r, n)`         | `void`                     | `n` more                  |
// | `B::rotate(pk, id, r, now)`        | `void`                     | a new signed pre-key; the |
// |                                    |                            | last one still accepted   |
// | `B::signed_prekey_time(pk)`        | `std::uint64_t`            | when it was made (2)      |
// | `B::use_prekey(pk, pid, hide)`     | `bool`                     | erased or hidden; whether |
// |                                    |                            | anything changed          |
// | `B::has_prekey(pk, pid)`           | `bool`                     | held, hidden or not       |
// | `B::bundle_xml(id, pk)`            | `std::string`              | `<bundle>` to publish     |
// | `B::serialize(pk)` / `(s)`         | `secret_bytes`             | stored forms (strict)     |
// | `B::parse_prekeys(bytes)`          | `result<prekeys>`          |                           |
// | `B::parse_session(bytes)`          | `result<session>`          |                           |
// | `B::parse_bundle(xml)`             | `result<bundle>`           | a peer's, signature       |
// |                                    |                            | checked                   |
// | `B::bundle_identity(bundle)`       | `byte_array<32>`           | Ed25519 form              |
// | `B::build_active(id, bundle, r)`   | `result<session>`          | X3DH as initiator         |
// | `B::encrypt_plaintext(r, bytes)`   | `std::pair<content,        | the payload, once for all |
// |                                    | key_material>`             | devices                   |
// | `B::encrypt_empty(r)`              | the same                   | an empty message's        |
// | `B::decrypt_plaintext(c, km)`      | `result<secret_bytes>`     |                           |
// | `B::empty(c)`                      | `bool`                     | an empty message          |
// | `B::encrypt_key(s, km, r)`         | `result<pending<session,   | one device's `<key>`; a   |
// |                                    | key>>`                     | key exchange until the    |
// |                                    |                            | session is confirmed      |
// | `B::is_key_exchange(k)`            | `bool`                     |                           |
// | `B::accept(id, pk, s*, k)`         | `result<pending<session,   | a key exchange: builds or |
// |                                    | accepted>>`                | reuses the session (3)    |
// | `B::decrypt_key(s, k)`             | `result<pending<session,   | a normal `<key>`          |
// |                                    | key_material>>`            |                           |
// | `B::receiving_chain_length(s)`     | `std::uint32_t`            | messages since we sent    |
// | `B::passive_prekey(s)`             | `std::optional<            | the one-time pre-key a    |
// |                                    | std::uint32_t>`            | passive session came from |
// | `B::parse_message(xml)`            | `result<message>`          | `<encrypted>`             |
// | `B::sender_device(m)`              | `std::uint32_t`            |                           |
// | `B::content_of(m)`                 | `const content&`           |                           |
// | `B::key_for(m, jid, device)`       | `const key*`               | ours, or nullptr          |
// | `B::message_xml(dev, c, keys)`     | `std::string`              | `<encrypted>` from        |
// |                                    |                            | `addressed_key<key>`s     |
// | `B::parse_device_list(xml)`        | `result<std::vector<       | labels where the version  |
// |                                    | listed_device>>`           | has them                  |
// | `B::device_list_xml(devices)`      | `std::string`              |                           |
//
// (1) python-omemo keeps one identity for all backends: oldmemo shows its
//     Curve25519 form, twomemo its Ed25519 form; trust and fingerprints
//     are kept on the Ed25519 form, so a key trusted under one version is
//     trusted under the other.
// (2) Seconds since the epoch, as the caller's clock gave `now`.
// (3) `accepted`: `key_material`, `consumed_prekey` (optional id: the
//     one-time pre-key the new session used) and `identity` (the sender's
//     Ed25519 form). A repeat of the exchange a passive session came from
//     decrypts on it; any other replaces it (python-omemo). The manager
//     compares `identity` with the bundle's modulo the sign bit: OMEMO 0.3
//     carries the Curve25519 form, which has none, and A and -A are the
//     same key holder.
//
// A protocol type that is more than its backend (protocols::oldmemo, with
// its whole API) names its model `P::session_backend`; `session_backend_t`
// finds it, so a manager takes the protocol types themselves.
#ifndef E2EKIT_SESSION_BACKEND_HPP
#define E2EKIT_SESSION_BACKEND_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/random.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/ratchet/pending.hpp>
#include <e2ekit/session/directory.hpp>

#include <concepts>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace e2ekit::session {

struct omemo_backend_tag {};
struct identity_seed_tag;
/// The device's identity: an Ed25519 seed (RFC 8032 §5.1.5), shared by
/// every backend of one manager.
using identity_seed = secret<32, identity_seed_tag>;

/// One device's `<key>` in an outgoing message.
template <class Key>
struct addressed_key {
    std::string jid;
    std::uint32_t device = 0;
    Key key;
};

template <class KeyMaterial>
struct accepted {
    KeyMaterial key_material;
    std::optional<std::uint32_t> consumed_prekey;
    byte_array<32> identity{};
};

template <class B>
concept omemo_backend = std::same_as<typename B::omemo_backend_concept, omemo_backend_tag> &&
    requires(const identity_seed& seed, const typename B::identity& id, typename B::prekeys& pk,
             const typename B::prekeys& cpk, const typename B::session& s,
             const typename B::bundle& bundle, const typename B::key_material& km,
             const typename B::key& k, const typename B::content& c, const typename B::message& m,
             system_random& r, std::string_view xml, bytes_view stored, std::uint64_t now,
             std::span<const addressed_key<typename B::key>> keys,
             std::span<const listed_device> devices) {
    { B::namespace_uri } -> std::convertible_to<std::string_view>;
    { B::identity_from_seed(seed) } -> std::same_as<typename B::identity>;
    { B::identity_key(id) } -> std::same_as<byte_array<32>>;
    { B::new_prekeys(id, r, std::size_t{}, now) } -> std::same_as<typename B::prekeys>;
    { B::visible_prekeys(cpk) } -> std::same_as<std::size_t>;
    B::add_prekeys(pk, r, std::size_t{});
    B::rotate(pk, id, r, now);
    { B::signed_prekey_time(cpk) } -> std::same_as<std::uint64_t>;
    { B::use_prekey(pk, std::uint32_t{}, bool{}) } -> std::same_as<bool>;
    { B::has_prekey(cpk, std::uint32_t{}) } -> std::same_as<bool>;
    { B::bundle_xml(id, cpk) } -> std::same_as<std::string>;
    { B::serialize(cpk) } -> std::same_as<secret_bytes>;
    { B::serialize(s) } -> std::same_as<secret_bytes>;
    { B::parse_prekeys(stored) } -> std::same_as<result<typename B::prekeys>>;
    { B::parse_session(stored) } -> std::same_as<result<typename B::session>>;
    { B::parse_bundle(xml) } -> std::same_as<result<typename B::bundle>>;
    { B::bundle_identity(bundle) } -> std::same_as<byte_array<32>>;
    { B::build_active(id, bundle, r) } -> std::same_as<result<typename B::session>>;
    {
        B::encrypt_plaintext(r, stored)
        } -> std::same_as<std::pair<typename B::content, typename B::key_material>>;
    {
        B::encrypt_empty(r)
        } -> std::same_as<std::pair<typename B::content, typename B::key_material>>;
    { B::decrypt_plaintext(c, km) } -> std::same_as<result<secret_bytes>>;
    { B::empty(c) } -> std::same_as<bool>;
    {
        B::encrypt_key(s, km, r)
        } -> std::same_as<result<ratchet::pending<typename B::session, typename B::key>>>;
    { B::is_key_exchange(k) } -> std::same_as<bool>;
    {
        B::accept(id, cpk, &s, k)
        } -> std::same_as<
            result<ratchet::pending<typename B::session, accepted<typename B::key_material>>>>;
    {
        B::decrypt_key(s, k)
        } -> std::same_as<result<ratchet::pending<typename B::session, typename B::key_material>>>;
    { B::receiving_chain_length(s) } -> std::same_as<std::uint32_t>;
    { B::passive_prekey(s) } -> std::same_as<std::optional<std::uint32_t>>;
    { B::parse_message(xml) } -> std::same_as<result<typename B::message>>;
    { B::sender_device(m) } -> std::same_as<std::uint32_t>;
    { B::content_of(m) } -> std::same_as<const typename B::content&>;
    { B::key_for(m, xml, std::uint32_t{}) } -> std::same_as<const typename B::key*>;
    { B::message_xml(std::uint32_t{}, c, keys) } -> std::same_as<std::string>;
    { B::parse_device_list(xml) } -> std::same_as<result<std::vector<listed_device>>>;
    { B::device_list_xml(devices) } -> std::same_as<std::string>;
};

namespace detail {
template <class P>
struct session_backend_of {
    using type = P;
};
template <class P>
requires requires {
    typename P::session_backend;
}
struct session_backend_of<P> {
    using type = typename P::session_backend;
};
} // namespace detail

template <class P>
using session_backend_t = typename detail::session_backend_of<P>::type;

} // namespace e2ekit::session

#endif
