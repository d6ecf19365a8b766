// The device directory: which devices each owner (an OMEMO bare JID, a
// Matrix user) has, under which protocols (OMEMO backends by namespace),
// whether each is still listed, its label, and the identity key it showed.
// A session manager reads it to fan a message out and writes it when a
// device list or a bundle arrives (python-omemo's device lists and device
// information, XEP-0384 §5.3).
//
// A device that drops out of a list is kept, inactive for that protocol,
// never forgotten: its sessions may still decrypt late messages, and if it
// comes back its identity key must be the one it had. The local device is
// always in its own list: `own_list` says what to publish when a list
// arrives without it (another client of the same account overwrote it).
//
// | call                               | does                                              |
// |------------------------------------|---------------------------------------------------|
// | `devices(owner)`                   | every device known for the owner                  |
// | `apply_list(b, owner, ns, listed)` | the owner's list for protocol `ns`: listed devices|
// |                                    | active (labels updated), the others inactive      |
// | `set_identity(b, owner, id, key)`  | the device's identity key; a different one than   |
// |                                    | known is `identity_changed` (nothing written)     |
// | `own_list(owner, id, label, ns)`   | the list to publish so that it names this device, |
// |                                    | or nullopt when it already does                   |
//
// Changes go into the caller's batch (`*_now` forms commit alone).
//
// | namespace         | key     | value                                              |
// |-------------------|---------|----------------------------------------------------|
// | `session.devices` | owner   | JSON: {"v":1,"devices":[{"id","label","ik","ns":   |
// |                   |         | {<namespace>: active}}]}, devices in id order      |
#ifndef E2EKIT_SESSION_DIRECTORY_HPP
#define E2EKIT_SESSION_DIRECTORY_HPP

#include <e2ekit/codec/base64.hpp>
#include <e2ekit/codec/json.hpp>
#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/error.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/storage/batch.hpp>
#include <e2ekit/storage/concept.hpp>
#include <e2ekit/storage/error.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace e2ekit::session {

enum class session_error {
    identity_changed = 1, ///< a device showed another identity key than the one it had
    bad_directory,        ///< a stored device list that does not parse
    too_large,            ///< a list beyond max_devices, a label beyond max_label_size
};
E2EKIT_ERROR_ENUM(session_error)

} // namespace e2ekit::session

E2EKIT_ERROR_ENUM_STD(e2ekit::session::session_error)

template <>
struct e2ekit::error_enum_traits<e2ekit::session::session_error> {
    using E = e2ekit::session::session_error;
    static constexpr const char* name = "e2ekit.session";
    static std::string message(E e) {
        switch (e) {
        case E::identity_changed: return "device identity key changed";
        case E::bad_directory: return "malformed stored device list";
        case E::too_large: return "device list or label too large";
        }
        return "unknown session error";
    }
    static condition condition_of(E e) {
        switch (e) {
        case E::identity_changed: return condition::untrusted;
        case E::bad_directory: return condition::malformed_input;
        case E::too_large: return condition::limit_exceeded;
        }
        return condition::malformed_input;
    }
};

namespace e2ekit::session {

inline constexpr std::string_view directory_namespace = "session.devices";

/// Devices one owner may have: far above any real account, low enough that
/// a hostile list cannot make every message fan out without end.
inline constexpr std::size_t max_devices = 1000;
inline constexpr std::size_t max_label_size = 256;

/// A device as a list names it.
struct listed_device {
    std::uint32_t id = 0;
    std::string label;
    friend bool operator==(const listed_device&, const listed_device&) = default;
};

struct device_record {
    std::uint32_t id = 0;
    std::string label;
    std::optional<bytes> identity_key;
    /// Protocol namespace -> whether the owner's current list for it names
    /// the device.
    std::map<std::string, bool, std::less<>> protocols;

    bool active_in(std::string_view ns) const {
        const auto it = protocols.find(ns);
        return it != protocols.end() && it->second;
    }
    friend bool operator==(const device_record&, const device_record&) = default;
};

/// What a list changed.
struct list_change {
    std::vector<std::uint32_t> added;       ///< never seen before
    std::vector<std::uint32_t> activated;   ///< known, listed again (or for a new protocol)
    std::vector<std::uint32_t> deactivated; ///< listed before, not now
};

template <storage::store S>
class device_directory {
public:
    explicit device_directory(S& store) noexcept : store_(store) {}

    result<std::vector<device_record>> devices(std::string_view owner) const {
        E2EKIT_CHECK(storage::check_key(owner));
        auto v = store_.get(directory_namespace, owner);
        if (!v) {
            if (v.error() == storage::storage_error::not_found) return std::vector<device_record>{};
            return v.error();
        }
        return parse(v->view());
    }

    result<list_change> apply_list(storage::batch& b, std::string_view owner, std::string_view ns,
                                   std::span<const listed_device> listed) const {
        if (listed.size() > max_devices) return session_error::too_large;
        if (ns.empty()) return storage::storage_error::invalid_key;
        E2EKIT_TRY(known, devices(owner));
        list_change change;
        std::map<std::uint32_t, const listed_device*> now;
        for (const auto& d : listed) {
            if (d.label.size() > max_label_size) return session_error::too_large;
            now[d.id] = &d;
        }
        for (auto& rec : known) {
            const auto it = now.find(rec.id);
            const bool was = rec.active_in(ns);
            if (it == now.end()) {
                if (was) {
                    rec.protocols[std::string(ns)] = false;
                    change.deactivated.push_back(rec.id);
                }
                continue;
            }
            if (!was) {
                rec.protocols[std::string(ns)] = true;
                change.activated.push_back(rec.id);
            }
            if (!it->second->label.empty()) rec.label = it->second->label;
            now.erase(it);
        }
        for (const auto& [id, d] : now) {
            device_record rec;
            rec.id = id;
            rec.label = d->label;
            rec.protocols[std::string(ns)] = true;
            known.push_back(std::move(rec));
            change.added.push_back(id);
        }
        if (known.size() > max_devices) return session_error::too_large;
        put(b, owner, std::move(known));
        return change;
    }

    result<void> set_identity(storage::batch& b, std::string_view owner, std::uint32_t id,
                              bytes_view key) const {
        E2EKIT_TRY(known, devices(owner));
        auto it = std::find_if(known.begin(), known.end(),
                               [&](const device_record& r) { return r.id == id; });
        if (it == known.end()) {
            if (known.size() >= max_devices) return session_error::too_large;
            device_record rec;
            rec.id = id;
            known.push_back(std::move(rec));
            it = known.end() - 1;
        }
        if (it->identity_key) {
            if (!equal_public(*it->identity_key, key)) return session_error::identity_changed;
            return ok();
        }
        it->identity_key = to_bytes(key);
        put(b, owner, std::move(known));
        return ok();
    }

    /// The list for `ns` with the local device in it, when the owner's
    /// current list lacks it or names it with another label; nullopt when
    /// nothing needs publishing.
    result<std::optional<std::vector<listed_device>>> own_list(std::string_view owner,
                                                               std::uint32_t own_id,
                                                               std::string_view own_label,
                                                               std::string_view ns) const {
        E2EKIT_TRY(known, devices(owner));
        std::vector<listed_device> list;
        bool present = false;
        for (const auto& rec : known) {
            if (!rec.active_in(ns)) continue;
            if (rec.id == own_id) present = rec.label == own_label;
            list.push_back({rec.id, rec.id == own_id ? std::string(own_label) : rec.label});
        }
        if (present) return std::optional<std::vector<listed_device>>{};
        if (std::none_of(list.begin(), list.end(),
                         [&](const listed_device& d) { return d.id == own_id; }))
            list.push_back({own_id, std::string(own_label)});
        std::sort(list.begin(), list.end(),
                  [](const listed_device& a, const listed_device& c) { return a.id < c.id; });
        return std::optional<std::vector<listed_device>>(std::move(list));
    }

    result<list_change> apply_list_now(std::string_view owner, std::string_view ns,
                                       std::span<const listed_device> listed) {
        storage::batch b;
        E2EKIT_TRY(c, apply_list(b, owner, ns, listed));
        E2EKIT_CHECK(store_.commit(b));
        return c;
    }
    result<void> set_identity_now(std::string_view owner, std::uint32_t id, bytes_view key) {
        storage::batch b;
        E2EKIT_CHECK(set_identity(b, owner, id, key));
        if (b.empty()) return ok();
        return store_.commit(b);
    }

private:
    static constexpr std::uint64_t format = 1;

    static void put(storage::batch& b, std::string_view owner, std::vector<device_record> devs) {
        std::sort(devs.begin(), devs.end(),
                  [](const device_record& a, const device_record& c) { return a.id < c.id; });
        nlohmann::json list = nlohmann::json::array();
        for (const auto& d : devs) {
            nlohmann::json j;
            j["id"] = d.id;
            j["label"] = d.label;
            if (d.identity_key)
                j["ik"] = codec::base64::encode<codec::base64::standard>(*d.identity_key);
            nlohmann::json ns = nlohmann::json::object();
            for (const auto& [name, active] : d.protocols)
                ns[name] = active;
            j["ns"] = std::move(ns);
            list.push_back(std::move(j));
        }
        const std::string text = nlohmann::json{{"v", format}, {"devices", std::move(list)}}.dump();
        b.put(directory_namespace, owner, as_bytes(text));
    }

    static result<std::vector<device_record>> parse(bytes_view stored) {
        auto j = codec::json::parse(as_chars(stored));
        if (!j || !j->is_object()) return session_error::bad_directory;
        auto v = codec::json::get_uint(*j, "v");
        auto list = codec::json::get_array(*j, "devices");
        if (!v || *v != format || !list || (*list)->size() > max_devices)
            return session_error::bad_directory;
        std::vector<device_record> out;
        for (const auto& e : **list) {
            if (!e.is_object()) return session_error::bad_directory;
            auto id = codec::json::get_uint(e, "id");
            auto label = codec::json::get_string(e, "label");
            auto ns = codec::json::get_object(e, "ns");
            if (!id || *id > UINT32_MAX || !label || label->size() > max_label_size || !ns)
                return session_error::bad_directory;
            device_record rec;
            rec.id = static_cast<std::uint32_t>(*id);
            rec.label = std::string(*label);
            if (e.contains("ik")) {
                auto ik = codec::json::get_bytes(e, "ik");
                if (!ik || ik->empty()) return session_error::bad_directory;
                rec.identity_key = std::move(*ik);
            }
            for (const auto& [name, active] : (*ns)->items()) {
                if (!active.is_boolean() || name.empty()) return session_error::bad_directory;
                rec.protocols[name] = active.template get<bool>();
            }
            if (!out.empty() && out.back().id >= rec.id) return session_error::bad_directory;
            out.push_back(std::move(rec));
        }
        return out;
    }

    S& store_;
};

} // namespace e2ekit::session

#endif
