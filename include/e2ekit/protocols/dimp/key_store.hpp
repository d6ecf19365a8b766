// key_store<Store>: message keys by direction (sdk-py CipherKeyDelegate).
// A sender reuses one key towards a destination (key_destination in
// packer.hpp: the receiver, or the group) until it replaces it, and a
// receiver keeps the last key each sender used towards it, for messages
// that come without `keys`. Broadcast destinations always use PLAIN.
//
// | namespace     | key                          | value                                |
// |---------------|------------------------------|--------------------------------------|
// | `dimp.cipher` | `<sender>` ">" `<destination>` (IDs without terminals) | the key map (secret) |
#ifndef E2EKIT_PROTOCOLS_DIMP_KEY_STORE_HPP
#define E2EKIT_PROTOCOLS_DIMP_KEY_STORE_HPP

#include <e2ekit/codec/json.hpp>
#include <e2ekit/core/random.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/protocols/dimp/concept.hpp>
#include <e2ekit/protocols/dimp/detail/fields.hpp>
#include <e2ekit/protocols/dimp/id.hpp>
#include <e2ekit/protocols/dimp/keys.hpp>
#include <e2ekit/storage/batch.hpp>
#include <e2ekit/storage/concept.hpp>
#include <e2ekit/storage/error.hpp>
#include <e2ekit/storage/memory_store.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace e2ekit::protocols::dimp {

inline constexpr std::string_view cipher_namespace = "dimp.cipher";

template <storage::store S>
class key_store {
public:
    using key_cache_concept = key_cache_tag;

    explicit key_store(S& store) noexcept : store_(store) {}

    /// The key held for sender -> destination (PLAIN for a broadcast
    /// destination), nullopt when none.
    result<std::optional<symmetric_key>> get(const id& sender, const id& destination) const {
        if (destination.is_broadcast()) return std::optional<symmetric_key>(symmetric_key::plain());
        auto v = store_.get(cipher_namespace, name(sender, destination));
        if (!v) {
            if (v.error() == storage::storage_error::not_found)
                return std::optional<symmetric_key>{};
            return v.error();
        }
        auto j = codec::json::parse(as_chars(v->view()));
        if (!j) return storage::storage_error::corrupt;
        auto k = symmetric_key::from_json(*j);
        detail::wipe_strings(*j);
        if (!k) return storage::storage_error::corrupt;
        return std::optional<symmetric_key>(std::move(*k));
    }

    /// Adds `key` for sender -> destination to `b` (broadcast: nothing).
    void add(storage::batch& b, const id& sender, const id& destination,
             const symmetric_key& key) const {
        if (destination.is_broadcast() || key.is_plain()) return;
        b.put(cipher_namespace, name(sender, destination), key.serialize());
    }

    /// The key held, or a fresh AES-256 key added to `b`.
    template <random_source R>
    result<symmetric_key> get_or_generate(storage::batch& b, const id& sender,
                                          const id& destination, R& rng) const {
        E2EKIT_TRY(held, get(sender, destination));
        if (held) return std::move(*held);
        auto k = symmetric_key::generate_aes(rng);
        add(b, sender, destination, k);
        return k;
    }

private:
    static std::string name(const id& sender, const id& destination) {
        return sender.without_terminal().str() + ">" + destination.without_terminal().str();
    }

    S& store_;
};

static_assert(key_cache<key_store<storage::memory_store>, storage::memory_store>);

} // namespace e2ekit::protocols::dimp

#endif
