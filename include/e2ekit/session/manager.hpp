// The OMEMO session manager (XEP-0384 §5-§7, python-omemo's
// SessionManager) as a template over its store, its trust policy, its
// one-time pre-key policy and the backends it runs, highest priority first:
//
//   using manager = session::manager<storage::filesystem_store, trust::btbv,
//                                    session::delete_on_use,
//                                    protocols::twomemo, protocols::oldmemo>;
//
// It does no I/O of its own: the caller is the XMPP client. What arrives
// (device lists, bundles, <encrypted> elements) goes in; what must go out
// (the own bundle and device list, empty messages that complete or heal a
// session) comes back as `outgoing` items in each call's answer. One own
// device id and one identity for every backend; trust on identity keys.
//
// | call                                  | does                                          |
// |---------------------------------------|-----------------------------------------------|
// | `open(store, r, jid, label, now)`     | loads the device or makes it (id, identity,   |
// |                                       | signed and one-time pre-keys per backend)     |
// | `publish_bundles()`                   | every backend's <bundle>, to publish          |
// | `publish_device_lists()`              | the own list of each backend whose known list |
// |                                       | lacks this device (none known: just this one) |
// | `on_device_list(ns, jid, xml)`        | a list arrived: devices in and out; the own   |
// |                                       | list again when it lacks this device          |
// | `on_bundle(ns, jid, dev, xml, r)`     | a bundle arrived: its identity recorded, a    |
// |                                       | session built if there is none                |
// | `encrypt(jids, text, r)`              | one <encrypted> per backend in use, for every |
// |                                       | trusted device of `jids` and own other ones;  |
// |                                       | the others in `skipped`, with the reason      |
// | `decrypt(ns, jid, xml, r, now)`       | the plaintext (none for an empty message),    |
// |                                       | after the new state is committed              |
// | `replace_session(ns, jid, dev, xml,r)`| heals a broken session: a new one from the    |
// |                                       | bundle, announced by an empty message         |
// | `maintain(r, now)`                    | signed pre-key rotation and refill            |
// | `set_trust(jid, key, level)`          | a user's decision on an identity key          |
// | `devices(jid)`                        | what is known of the owner's devices          |
//
// A call that fails changes nothing stored. Per-device problems while
// encrypting never stop the other devices.
//
// | namespace         | key                              | value                           |
// |-------------------|----------------------------------|---------------------------------|
// | `omemo.own`       | `device`                         | format, device id, identity     |
// |                   |                                  | seed, label                     |
// | `omemo.prekeys`   | `<namespace>`                    | the backend's stored pre-keys   |
// | `omemo.sessions`  | `<namespace>|<jid size>:<jid>/<device>` | the backend's stored session |
// | `session.devices` | (directory.hpp)                  |                                 |
// | `trust.keys`      | (trust/key_trust.hpp)            |                                 |
#ifndef E2EKIT_SESSION_MANAGER_HPP
#define E2EKIT_SESSION_MANAGER_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/error.hpp>
#include <e2ekit/core/random.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/crypto/xeddsa.hpp>
#include <e2ekit/identity/hex_fingerprint.hpp>
#include <e2ekit/session/backend.hpp>
#include <e2ekit/session/directory.hpp>
#include <e2ekit/session/fanout.hpp>
#include <e2ekit/session/prekey_policy.hpp>
#include <e2ekit/storage/batch.hpp>
#include <e2ekit/storage/concept.hpp>
#include <e2ekit/trust/key_policy.hpp>
#include <e2ekit/trust/key_trust.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

namespace e2ekit::session {

enum class manager_error {
    unknown_namespace = 1, ///< no backend of this manager speaks it
    not_for_us,            ///< the message has no key for this device
    sender_not_found,      ///< the sending device is in no list: fetch the sender's list
    sender_distrusted,     ///< the sender's identity key is distrusted
    no_session,            ///< a message without key exchange, and no session to read it
    bad_own_state,         ///< the stored own device does not parse
};
E2EKIT_ERROR_ENUM(manager_error)

} // namespace e2ekit::session

E2EKIT_ERROR_ENUM_STD(e2ekit::session::manager_error)

template <>
struct e2ekit::error_enum_traits<e2ekit::session::manager_error> {
    using E = e2ekit::session::manager_error;
    static constexpr const char* name = "e2ekit.session.manager";
    static std::string message(E e) {
        switch (e) {
        case E::unknown_namespace: return "no backend for this namespace";
        case E::not_for_us: return "message not encrypted for this device";
        case E::sender_not_found: return "sending device not in its owner's device list";
        case E::sender_distrusted: return "sender's identity key is distrusted";
        case E::no_session: return "no session with the sending device";
        case E::bad_own_state: return "malformed stored own device";
        }
        return "unknown session manager error";
    }
    static condition condition_of(E e) {
        switch (e) {
        case E::unknown_namespace: return condition::unsupported;
        case E::not_for_us: return condition::not_found;
        case E::sender_not_found: return condition::not_found;
        case E::sender_distrusted: return condition::untrusted;
        case E::no_session: return condition::not_found;
        case E::bad_own_state: return condition::malformed_input;
        }
        return condition::malformed_input;
    }
};

namespace e2ekit::session {

/// Something for the caller to send or publish.
struct outgoing {
    enum class kind { bundle, device_list, message };
    kind what = kind::message;
    std::string ns;
    std::string to; ///< a message's recipient JID
    std::string xml;
    friend bool operator==(const outgoing&, const outgoing&) = default;
};

/// A device left out of a message, and why: a `skip_reason` from the plan,
/// or the error its session gave.
struct skipped {
    std::string jid;
    std::uint32_t device = 0;
    std::optional<skip_reason> reason;
    std::error_code error;
};

struct encrypted {
    std::vector<outgoing> messages; ///< one <encrypted> per backend in use
    std::vector<skipped> skipped_devices;
    /// Recipients none of whose devices could be reached.
    std::vector<std::string> unreachable;
};

struct decrypted {
    std::optional<secret_bytes> plaintext; ///< none for an empty message
    std::string jid;
    std::uint32_t device = 0;
    std::string ns;
    trust::level sender_trust = trust::level::undecided;
    std::vector<outgoing> follow_ups; ///< bundle to republish, empty message to send
};

struct device_info {
    std::uint32_t device = 0;
    std::string label;
    std::optional<bytes> identity_key;
    std::optional<trust::level> trust;
    std::vector<std::string> active; ///< namespaces whose current list names it
};

template <storage::store S, trust::key_policy TrustPolicy, prekey_policy PrekeyPolicy,
          omemo_backend... Backends>
requires(sizeof...(Backends) > 0) class basic_manager {
public:
    using key_trust = trust::key_trust<S, TrustPolicy>;
    static constexpr std::array<std::string_view, sizeof...(Backends)> namespaces{
        Backends::namespace_uri...};

    template <random_source R>
    static result<basic_manager> open(S& store, R& rng, std::string_view own_jid,
                                      std::string_view label, std::uint64_t now);

    std::uint32_t device_id() const noexcept { return device_; }
    const std::string& jid() const noexcept { return jid_; }
    const byte_array<32>& identity_key() const noexcept { return identity_key_; }
    /// The identity key in the `01:23:AB:...` form users compare, of its
    /// Curve25519 form (XEP-0384 §5.3).
    std::string fingerprint() const {
        return identity::colon_hex(crypto::xeddsa::curve25519_from_ed25519(identity_key_).value());
    }

    std::vector<outgoing> publish_bundles() const;
    result<std::vector<outgoing>> publish_device_lists();
    result<std::vector<outgoing>> on_device_list(std::string_view ns, std::string_view jid,
                                                 std::string_view xml);
    template <random_source R>
    result<void> on_bundle(std::string_view ns, std::string_view jid, std::uint32_t device,
                           std::string_view xml, R& rng);
    template <random_source R>
    result<encrypted> encrypt(std::span<const std::string> jids, bytes_view plaintext, R& rng);
    template <random_source R>
    result<decrypted> decrypt(std::string_view ns, std::string_view sender, std::string_view xml,
                              R& rng, std::uint64_t now, bool catching_up = false);
    template <random_source R>
    result<outgoing> replace_session(std::string_view ns, std::string_view jid,
                                     std::uint32_t device, std::string_view bundle_xml, R& rng);
    template <random_source R>
    result<std::vector<outgoing>> maintain(R& rng, std::uint64_t now);

    result<void> set_trust(std::string_view jid, bytes_view identity_key,
                           const typename key_trust::level_type& level) {
        return trust_.decide_now(jid, identity_key, level);
    }
    result<std::vector<device_info>> devices(std::string_view jid) const;

private:
    using prekey_tuple = std::tuple<typename Backends::prekeys...>;
    using first_backend = std::tuple_element_t<0, std::tuple<Backends...>>;

    basic_manager(S& store, std::string jid, std::uint32_t device, identity_seed seed,
                  std::string label, prekey_tuple prekeys)
        : store_(store), jid_(std::move(jid)), device_(device), seed_(std::move(seed)),
          label_(std::move(label)), ids_{Backends::identity_from_seed(seed_)...},
          identity_key_(first_backend::identity_key(std::get<0>(ids_))),
          prekeys_(std::move(prekeys)), dir_(store), trust_(store) {}

    template <class B>
    static constexpr std::size_t index_of() {
        constexpr std::array<bool, sizeof...(Backends)> same{std::is_same_v<B, Backends>...};
        for (std::size_t i = 0; i < same.size(); ++i)
            if (same[i]) return i;
        return same.size();
    }
    template <class B>
    const typename B::identity& id_of() const {
        return std::get<index_of<B>()>(ids_);
    }
    template <class B>
    typename B::prekeys& prekeys_of() {
        return std::get<index_of<B>()>(prekeys_);
    }
    /// `f(std::type_identity<B>{})` for the backend of `ns`.
    template <class T, class F>
    result<T> dispatch(std::string_view ns, F&& f) {
        std::optional<result<T>> out;
        (void)((ns == Backends::namespace_uri
                    ? (out.emplace(f(std::type_identity<Backends>{})), true)
                    : false) ||
               ...);
        if (!out) return manager_error::unknown_namespace;
        return std::move(*out);
    }
    template <class B>
    result<std::optional<typename B::session>> load_session(std::string_view jid,
                                                            std::uint32_t device) const;
    template <class B>
    static std::string session_key(std::string_view jid, std::uint32_t device);
    /// A working copy: steps change it, and it replaces the held one only
    /// once their batch is committed. Pre-keys hold secrets and do not copy
    /// implicitly; their stored form is the copy (a rare, cheap path: key
    /// exchanges and maintenance).
    template <class B>
    typename B::prekeys copy_prekeys() const {
        return B::parse_prekeys(B::serialize(std::get<index_of<B>()>(prekeys_)).view()).value();
    }
    template <class B>
    outgoing bundle_of() const {
        return {outgoing::kind::bundle,
                std::string(B::namespace_uri),
                {},
                B::bundle_xml(id_of<B>(), std::get<index_of<B>()>(prekeys_))};
    }

    S& store_;
    std::string jid_;
    std::uint32_t device_ = 0;
    identity_seed seed_;
    std::string label_;
    std::tuple<typename Backends::identity...> ids_;
    byte_array<32> identity_key_{};
    std::tuple<typename Backends::prekeys...> prekeys_;
    device_directory<S> dir_;
    key_trust trust_;
};

/// The manager over protocol types (or backends): `P::session_backend`
/// where a protocol names one.
template <storage::store S, trust::key_policy TrustPolicy, prekey_policy PrekeyPolicy,
          class... Protocols>
using manager = basic_manager<S, TrustPolicy, PrekeyPolicy, session_backend_t<Protocols>...>;

} // namespace e2ekit::session

#include <e2ekit/session/impl/manager.hpp>

#endif
