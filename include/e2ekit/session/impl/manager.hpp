// Bodies of session/manager.hpp.
#ifndef E2EKIT_SESSION_IMPL_MANAGER_HPP
#define E2EKIT_SESSION_IMPL_MANAGER_HPP

#include <algorithm>
#include <chrono>
#include <set>
#include <utility>

namespace e2ekit::session {

namespace detail::manager {

inline constexpr std::string_view own_ns = "omemo.own";
inline constexpr std::string_view own_key = "device";
inline constexpr std::string_view prekeys_ns = "omemo.prekeys";
inline constexpr std::string_view sessions_ns = "omemo.sessions";
inline constexpr byte own_format = 1;
/// python-omemo's STALENESS_MAGIC_NUMBER: after this many messages
/// received without answering, an empty message keeps the ratchet moving.
inline constexpr std::uint32_t staleness = 53;

/// Ed25519 keys equal but for the sign bit (backend.hpp (3)). Public.
inline bool same_identity(bytes_view a, const byte_array<32>& b) {
    if (a.size() != 32) return false;
    for (std::size_t i = 0; i < 31; ++i)
        if (a[i] != b[i]) return false;
    return (a[31] & 0x7f) == (b[31] & 0x7f);
}

inline secret_bytes encode_own(std::uint32_t device, const identity_seed& seed,
                               std::string_view label) {
    secret_bytes out(1 + 4 + 32 + label.size());
    auto v = out.mutable_view();
    v[0] = own_format;
    for (int i = 0; i < 4; ++i)
        v[1 + i] = static_cast<byte>(device >> (24 - 8 * i));
    std::copy(seed.view().begin(), seed.view().end(), v.begin() + 5);
    std::copy(label.begin(), label.end(), reinterpret_cast<char*>(v.data() + 37));
    return out;
}

struct own_state {
    std::uint32_t device = 0;
    identity_seed seed;
    std::string label;
};

inline result<own_state> decode_own(bytes_view v) {
    if (v.size() < 37 || v[0] != own_format || v.size() > 37 + max_label_size)
        return manager_error::bad_own_state;
    own_state s;
    for (int i = 0; i < 4; ++i)
        s.device = s.device << 8 | v[1 + i];
    if (s.device == 0 || s.device > 0x7fffffff) return manager_error::bad_own_state;
    std::copy(v.begin() + 5, v.begin() + 37, s.seed.mutable_view().begin());
    s.label.assign(reinterpret_cast<const char*>(v.data() + 37), v.size() - 37);
    return s;
}

} // namespace detail::manager

template <storage::store S, trust::key_policy TP, prekey_policy PP, omemo_backend... Bs>
requires(sizeof...(Bs) > 0) template <random_source R>
result<basic_manager<S, TP, PP, Bs...>> basic_manager<S, TP, PP, Bs...>::open(
    S& store, R& rng, std::string_view own_jid, std::string_view label, std::uint64_t now) {
    namespace d = detail::manager;
    E2EKIT_CHECK(storage::check_key(own_jid));
    if (label.size() > max_label_size) return session_error::too_large;
    storage::batch b;
    d::own_state own;
    auto stored = store.get(d::own_ns, d::own_key);
    if (stored) {
        E2EKIT_TRY(o, d::decode_own(stored->view()));
        own = std::move(o);
    } else if (stored.error() == storage::storage_error::not_found) {
        // python-omemo: a random id in [1, 2^31 - 1].
        own.device = 1 + random_below(rng, 0x7fffffffu);
        own.seed = random_secret<32, identity_seed_tag>(rng);
        own.label = std::string(label);
        b.put(d::own_ns, d::own_key, d::encode_own(own.device, own.seed, own.label));
    } else {
        return stored.error();
    }
    // Each backend's pre-keys, made the first time it runs here.
    auto load = [&]<class B>(std::type_identity<B>) -> result<typename B::prekeys> {
        auto v = store.get(d::prekeys_ns, B::namespace_uri);
        if (v) return B::parse_prekeys(v->view());
        if (v.error() != storage::storage_error::not_found) return v.error();
        auto pk = B::new_prekeys(B::identity_from_seed(own.seed), rng, PP::refill_to, now);
        b.put(d::prekeys_ns, B::namespace_uri, B::serialize(pk));
        return pk;
    };
    std::tuple<result<typename Bs::prekeys>...> loaded{load(std::type_identity<Bs>{})...};
    std::error_code failed;
    std::apply([&](auto&... r) { ((failed = !failed && !r ? r.error() : failed), ...); }, loaded);
    if (failed) return failed;
    if (!b.empty()) E2EKIT_CHECK(store.commit(b));
    prekey_tuple pks =
        std::apply([](auto&... r) { return prekey_tuple{std::move(*r)...}; }, loaded);
    return basic_manager(store, std::string(own_jid), own.device, std::move(own.seed),
                         std::move(own.label), std::move(pks));
}

template <storage::store S, trust::key_policy TP, prekey_policy PP, omemo_backend... Bs>
requires(sizeof...(Bs) > 0) std::vector<outgoing> basic_manager<S, TP, PP, Bs...>::publish_bundles()
const {
    return {bundle_of<Bs>()...};
}

template <storage::store S, trust::key_policy TP, prekey_policy PP, omemo_backend... Bs>
requires(sizeof...(Bs) > 0) template <class B>
std::string basic_manager<S, TP, PP, Bs...>::session_key(std::string_view jid,
                                                         std::uint32_t device) {
    std::string k(B::namespace_uri);
    k += '|';
    k += std::to_string(jid.size());
    k += ':';
    k += jid;
    k += '/';
    k += std::to_string(device);
    return k;
}

template <storage::store S, trust::key_policy TP, prekey_policy PP, omemo_backend... Bs>
requires(sizeof...(Bs) > 0) template <class B>
result<std::optional<typename B::session>> basic_manager<S, TP, PP, Bs...>::load_session(
    std::string_view jid, std::uint32_t device) const {
    auto v = store_.get(detail::manager::sessions_ns, session_key<B>(jid, device));
    if (!v) {
        if (v.error() == storage::storage_error::not_found)
            return std::optional<typename B::session>{};
        return v.error();
    }
    E2EKIT_TRY(s, B::parse_session(v->view()));
    return std::optional<typename B::session>(std::move(s));
}

template <storage::store S, trust::key_policy TP, prekey_policy PP, omemo_backend... Bs>
requires(sizeof...(Bs) >
         0) result<std::vector<outgoing>> basic_manager<S, TP, PP, Bs...>::publish_device_lists() {
    std::vector<outgoing> out;
    std::error_code failed;
    auto one = [&]<class B>(std::type_identity<B>) -> result<void> {
        E2EKIT_TRY(own, dir_.own_list(jid_, device_, label_, B::namespace_uri));
        if (!own) return ok();
        E2EKIT_CHECK(dir_.apply_list_now(jid_, B::namespace_uri, *own));
        out.push_back({outgoing::kind::device_list,
                       std::string(B::namespace_uri),
                       {},
                       B::device_list_xml(*own)});
        return ok();
    };
    ((failed = failed ? failed : [&] {
          auto r = one(std::type_identity<Bs>{});
          return r ? std::error_code() : r.error();
      }()),
     ...);
    if (failed) return failed;
    return out;
}

template <storage::store S, trust::key_policy TP, prekey_policy PP, omemo_backend... Bs>
requires(sizeof...(Bs) > 0)
    result<std::vector<outgoing>> basic_manager<S, TP, PP, Bs...>::on_device_list(
        std::string_view ns, std::string_view jid, std::string_view xml) {
    return dispatch<std::vector<outgoing>>(
        ns, [&]<class B>(std::type_identity<B>) -> result<std::vector<outgoing>> {
            E2EKIT_TRY(listed, B::parse_device_list(xml));
            storage::batch b;
            E2EKIT_CHECK(dir_.apply_list(b, jid, B::namespace_uri, listed));
            E2EKIT_CHECK(store_.commit(b));
            std::vector<outgoing> out;
            if (jid == jid_) {
                // Another client of the account wrote the list without us.
                E2EKIT_TRY(own, dir_.own_list(jid_, device_, label_, B::namespace_uri));
                if (own) {
                    E2EKIT_CHECK(dir_.apply_list_now(jid_, B::namespace_uri, *own));
                    out.push_back({outgoing::kind::device_list,
                                   std::string(B::namespace_uri),
                                   {},
                                   B::device_list_xml(*own)});
                }
            }
            return out;
        });
}

template <storage::store S, trust::key_policy TP, prekey_policy PP, omemo_backend... Bs>
requires(sizeof...(Bs) > 0) template <random_source R>
result<void> basic_manager<S, TP, PP, Bs...>::on_bundle(std::string_view ns, std::string_view jid,
                                                        std::uint32_t device, std::string_view xml,
                                                        R& rng) {
    return dispatch<void>(ns, [&]<class B>(std::type_identity<B>) -> result<void> {
        E2EKIT_TRY(bundle, B::parse_bundle(xml));
        const auto ik = B::bundle_identity(bundle);
        storage::batch b;
        E2EKIT_CHECK(dir_.set_identity(b, jid, device, ik));
        E2EKIT_CHECK(trust_.encounter(b, jid, ik));
        E2EKIT_TRY(existing, load_session<B>(jid, device));
        if (!existing) {
            E2EKIT_TRY(s, B::build_active(id_of<B>(), bundle, rng));
            b.put(detail::manager::sessions_ns, session_key<B>(jid, device), B::serialize(s));
        }
        if (b.empty()) return ok();
        return store_.commit(b);
    });
}

template <storage::store S, trust::key_policy TP, prekey_policy PP, omemo_backend... Bs>
requires(sizeof...(Bs) > 0) template <random_source R>
result<encrypted> basic_manager<S, TP, PP, Bs...>::encrypt(std::span<const std::string> jids,
                                                           bytes_view plaintext, R& rng) {
    storage::batch b;
    // The recipients and the own account, each once.
    std::vector<std::string> owners(jids.begin(), jids.end());
    owners.push_back(jid_);
    std::sort(owners.begin(), owners.end());
    owners.erase(std::unique(owners.begin(), owners.end()), owners.end());
    std::vector<std::vector<device_record>> records;
    for (const auto& o : owners) {
        E2EKIT_TRY(devs, dir_.devices(o));
        records.push_back(std::move(devs));
    }
    std::vector<owner_devices> view;
    for (std::size_t i = 0; i < owners.size(); ++i)
        view.push_back({owners[i], records[i]});
    E2EKIT_TRY(plan, plan_fanout(view, namespaces, jid_, device_,
                                 [&](std::string_view owner, bytes_view key) {
                                     return trust_.encounter(b, owner, key);
                                 }));
    encrypted out;
    for (auto& s : plan.skipped)
        out.skipped_devices.push_back({std::move(s.owner), s.device, s.reason, {}});
    std::set<std::string, std::less<>> reached;
    auto run = [&]<class B>(std::type_identity<B>) -> result<void> {
        std::vector<std::pair<const target*, typename B::session>> sessions;
        for (const auto& t : plan.targets) {
            if (t.protocol != B::namespace_uri) continue;
            auto s = load_session<B>(t.owner, t.device);
            if (!s || !*s) {
                out.skipped_devices.push_back(
                    {t.owner, t.device,
                     s ? std::optional<skip_reason>(skip_reason::needs_bundle) : std::nullopt,
                     s ? std::error_code() : s.error()});
                continue;
            }
            sessions.emplace_back(&t, std::move(**s));
        }
        if (sessions.empty()) return ok();
        auto [content, km] = B::encrypt_plaintext(rng, plaintext);
        std::vector<addressed_key<typename B::key>> keys;
        for (auto& [t, s] : sessions) {
            auto step = B::encrypt_key(s, km, rng);
            if (!step) {
                out.skipped_devices.push_back({t->owner, t->device, std::nullopt, step.error()});
                continue;
            }
            auto [next, key] = std::move(*step).split();
            b.put(detail::manager::sessions_ns, session_key<B>(t->owner, t->device),
                  B::serialize(next));
            keys.push_back({t->owner, t->device, std::move(key)});
            reached.insert(t->owner);
        }
        if (!keys.empty())
            out.messages.push_back({outgoing::kind::message,
                                    std::string(B::namespace_uri),
                                    {},
                                    B::message_xml(device_, content, keys)});
        return ok();
    };
    std::error_code failed;
    ((failed = failed ? failed : [&] {
          auto r = run(std::type_identity<Bs>{});
          return r ? std::error_code() : r.error();
      }()),
     ...);
    if (failed) return failed;
    for (const auto& j : jids)
        if (!reached.contains(j) && j != jid_) out.unreachable.push_back(j);
    if (!b.empty()) E2EKIT_CHECK(store_.commit(b));
    return out;
}

template <storage::store S, trust::key_policy TP, prekey_policy PP, omemo_backend... Bs>
requires(sizeof...(Bs) > 0) template <random_source R>
result<decrypted> basic_manager<S, TP, PP, Bs...>::decrypt(std::string_view ns,
                                                           std::string_view sender,
                                                           std::string_view xml, R& rng,
                                                           std::uint64_t, bool catching_up) {
    return dispatch<decrypted>(ns, [&]<class B>(std::type_identity<B>) -> result<decrypted> {
        namespace d = detail::manager;
        E2EKIT_TRY(m, B::parse_message(xml));
        const auto* key = B::key_for(m, jid_, device_);
        if (!key) return manager_error::not_for_us;
        const std::uint32_t sid = B::sender_device(m);
        E2EKIT_TRY(devs, dir_.devices(sender));
        const auto rec = std::find_if(devs.begin(), devs.end(),
                                      [&](const device_record& r) { return r.id == sid; });
        if (rec == devs.end()) return manager_error::sender_not_found;
        storage::batch b;
        decrypted out;
        out.jid = std::string(sender);
        out.device = sid;
        out.ns = std::string(B::namespace_uri);
        auto check_trust = [&](bytes_view ik) -> result<void> {
            E2EKIT_TRY(level, trust_.encounter(b, sender, ik));
            if (level == trust::level::distrusted) return manager_error::sender_distrusted;
            out.sender_trust = level;
            return ok();
        };
        // python-omemo: a sender whose bundle is unknown is not found.
        if (!rec->identity_key) return manager_error::sender_not_found;
        E2EKIT_CHECK(check_trust(*rec->identity_key));
        E2EKIT_TRY(existing, load_session<B>(sender, sid));
        std::optional<typename B::prekeys> prekeys;
        bool prekeys_changed = false;
        std::optional<typename B::session> session;
        std::optional<typename B::key_material> km;
        const bool kex = B::is_key_exchange(*key);
        if (kex) {
            E2EKIT_TRY(step, B::accept(id_of<B>(), std::get<index_of<B>()>(prekeys_),
                                       existing ? &*existing : nullptr, *key));
            auto [s, acc] = std::move(step).split();
            // The key exchange must come from the identity the device showed
            // in its bundle (python-omemo PublicDataInconsistency).
            if (!d::same_identity(*rec->identity_key, acc.identity))
                return session_error::identity_changed;
            if (acc.consumed_prekey) {
                const bool hide = PP::on_used(prekey_use{catching_up}) == prekey_action::hide;
                prekeys = copy_prekeys<B>();
                prekeys_changed = B::use_prekey(*prekeys, *acc.consumed_prekey, hide);
            }
            session = std::move(s);
            km = std::move(acc.key_material);
        } else {
            if (!existing) return manager_error::no_session;
            E2EKIT_TRY(step, B::decrypt_key(*existing, *key));
            auto [s, k] = std::move(step).split();
            // The peer answered in a session our pre-key opened: a key the
            // policy kept until now may go.
            const auto used = B::passive_prekey(s);
            if (used && PP::on_confirmed() == prekey_action::erase &&
                B::has_prekey(std::get<index_of<B>()>(prekeys_), *used)) {
                prekeys = copy_prekeys<B>();
                prekeys_changed = B::use_prekey(*prekeys, *used, false);
            }
            session = std::move(s);
            km = std::move(k);
        }
        const auto& content = B::content_of(m);
        if (!B::empty(content)) {
            E2EKIT_TRY(pt, B::decrypt_plaintext(content, *km));
            out.plaintext = std::move(pt);
        }
        if (prekeys_changed) {
            const std::size_t visible = B::visible_prekeys(*prekeys);
            if (visible <= PP::refill_at) B::add_prekeys(*prekeys, rng, PP::refill_to - visible);
            b.put(d::prekeys_ns, B::namespace_uri, B::serialize(*prekeys));
        }
        // An empty message completes a key exchange (so the peer stops
        // sending it) and keeps a one-sided conversation's ratchet moving.
        if (kex || B::receiving_chain_length(*session) > d::staleness) {
            auto [content2, km2] = B::encrypt_empty(rng);
            auto step = B::encrypt_key(*session, km2, rng);
            if (step) {
                auto [next, k2] = std::move(*step).split();
                session = std::move(next);
                const std::array<addressed_key<typename B::key>, 1> keys{
                    addressed_key<typename B::key>{std::string(sender), sid, std::move(k2)}};
                out.follow_ups.push_back({outgoing::kind::message, std::string(B::namespace_uri),
                                          std::string(sender),
                                          B::message_xml(device_, content2, keys)});
            }
        }
        b.put(d::sessions_ns, session_key<B>(sender, sid), B::serialize(*session));
        E2EKIT_CHECK(store_.commit(b));
        if (prekeys_changed) {
            const bool bundle_changed = B::bundle_xml(id_of<B>(), *prekeys) != bundle_of<B>().xml;
            std::get<index_of<B>()>(prekeys_) = std::move(*prekeys);
            if (bundle_changed) out.follow_ups.push_back(bundle_of<B>());
        }
        return out;
    });
}

template <storage::store S, trust::key_policy TP, prekey_policy PP, omemo_backend... Bs>
requires(sizeof...(Bs) > 0) template <random_source R>
result<outgoing> basic_manager<S, TP, PP, Bs...>::replace_session(std::string_view ns,
                                                                  std::string_view jid,
                                                                  std::uint32_t device,
                                                                  std::string_view bundle_xml,
                                                                  R& rng) {
    return dispatch<outgoing>(ns, [&]<class B>(std::type_identity<B>) -> result<outgoing> {
        E2EKIT_TRY(bundle, B::parse_bundle(bundle_xml));
        storage::batch b;
        E2EKIT_CHECK(dir_.set_identity(b, jid, device, B::bundle_identity(bundle)));
        E2EKIT_TRY(s, B::build_active(id_of<B>(), bundle, rng));
        auto [content, km] = B::encrypt_empty(rng);
        E2EKIT_TRY(step, B::encrypt_key(s, km, rng));
        auto [next, key] = std::move(step).split();
        b.put(detail::manager::sessions_ns, session_key<B>(jid, device), B::serialize(next));
        E2EKIT_CHECK(store_.commit(b));
        const std::array<addressed_key<typename B::key>, 1> keys{
            addressed_key<typename B::key>{std::string(jid), device, std::move(key)}};
        return outgoing{outgoing::kind::message, std::string(B::namespace_uri), std::string(jid),
                        B::message_xml(device_, content, keys)};
    });
}

template <storage::store S, trust::key_policy TP, prekey_policy PP, omemo_backend... Bs>
requires(sizeof...(Bs) > 0) template <random_source R>
result<std::vector<outgoing>> basic_manager<S, TP, PP, Bs...>::maintain(R& rng, std::uint64_t now) {
    storage::batch b;
    std::vector<outgoing> out;
    std::tuple<std::optional<typename Bs::prekeys>...> changed;
    auto plan_one = [&]<class B>(std::type_identity<B>) {
        auto pk = copy_prekeys<B>();
        const std::uint64_t made = B::signed_prekey_time(pk);
        const auto age = std::chrono::seconds(now > made ? now - made : 0);
        const auto plan = plan_prekeys<PP>(B::visible_prekeys(pk), age);
        if (plan.generate == 0 && !plan.rotate_signed) return;
        if (plan.rotate_signed) B::rotate(pk, id_of<B>(), rng, now);
        if (plan.generate) B::add_prekeys(pk, rng, plan.generate);
        b.put(detail::manager::prekeys_ns, B::namespace_uri, B::serialize(pk));
        out.push_back({outgoing::kind::bundle,
                       std::string(B::namespace_uri),
                       {},
                       B::bundle_xml(id_of<B>(), pk)});
        std::get<index_of<B>()>(changed) = std::move(pk);
    };
    (plan_one(std::type_identity<Bs>{}), ...);
    if (b.empty()) return out;
    E2EKIT_CHECK(store_.commit(b));
    auto adopt = [&]<class B>(std::type_identity<B>) {
        auto& c = std::get<index_of<B>()>(changed);
        if (c) std::get<index_of<B>()>(prekeys_) = std::move(*c);
    };
    (adopt(std::type_identity<Bs>{}), ...);
    return out;
}

template <storage::store S, trust::key_policy TP, prekey_policy PP, omemo_backend... Bs>
requires(sizeof...(Bs) > 0)
    result<std::vector<device_info>> basic_manager<S, TP, PP, Bs...>::devices(std::string_view jid)
const {
    E2EKIT_TRY(devs, dir_.devices(jid));
    std::vector<device_info> out;
    for (auto& r : devs) {
        device_info i;
        i.device = r.id;
        i.label = r.label;
        if (r.identity_key) {
            E2EKIT_TRY(level, trust_.level_of(jid, *r.identity_key));
            if (level) i.trust = TP::scheme::core(*level);
        }
        i.identity_key = std::move(r.identity_key);
        for (const auto& [ns, active] : r.protocols)
            if (active) i.active.push_back(ns);
        out.push_back(std::move(i));
    }
    return out;
}

} // namespace e2ekit::session

#endif
