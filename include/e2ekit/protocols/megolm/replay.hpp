// Replay detection as Matrix clients need it: a (session, message index)
// pair belongs to one event. The same event decrypted again (a client
// re-reads its timeline) is fine; another event at an index already used
// is a replay (`megolm_error::replayed`). The record goes into the batch of
// the decrypt it guards, so it lands with the session.
//
// | namespace       | key                                   | value          |
// |-----------------|---------------------------------------|----------------|
// | `megolm.replay` | base64url(session key) "/" index      | the event id   |
#ifndef E2EKIT_PROTOCOLS_MEGOLM_REPLAY_HPP
#define E2EKIT_PROTOCOLS_MEGOLM_REPLAY_HPP

#include <e2ekit/codec/base64.hpp>
#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/protocols/megolm/error.hpp>
#include <e2ekit/storage/batch.hpp>
#include <e2ekit/storage/concept.hpp>
#include <e2ekit/storage/error.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace e2ekit::protocols::megolm {

inline constexpr std::string_view replay_namespace = "megolm.replay";

template <storage::store S>
class replay_log {
public:
    explicit replay_log(const S& store) noexcept : store_(store) {}

    /// Ok (and the pair recorded in `b`) unless `index` of `session` was
    /// already read as another event.
    result<void> check(storage::batch& b, fixed_view<32> session, std::uint32_t index,
                       std::string_view event_id) const {
        if (event_id.empty()) return storage::storage_error::invalid_key;
        const std::string key = codec::base64::encode<codec::base64::url_unpadded>(session) + "/" +
                                std::to_string(index);
        auto v = store_.get(replay_namespace, key);
        if (v) {
            if (as_chars(v->view()) != event_id) return megolm_error::replayed;
            return ok();
        }
        if (v.error() != storage::storage_error::not_found) return v.error();
        b.put(replay_namespace, key, as_bytes(event_id));
        return ok();
    }

private:
    const S& store_;
};

} // namespace e2ekit::protocols::megolm

#endif
