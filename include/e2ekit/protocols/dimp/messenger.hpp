// messenger<Store, Random, Entities, Keys>: one local user's DIMP endpoint
// (sdk-py's Messenger and MessagePacker) over an entity database and a key
// cache (concept.hpp; by default barrack.hpp and key_store.hpp) in one store.
//
// | call      | does                                                                  |
// |-----------|-----------------------------------------------------------------------|
// | `pack`    | the message key for (me -> key_destination) from the key store (a new |
// |           | one committed before it is used); the key encrypted to the receiver,  |
// |           | or to each member of a group the barrack knows; signed with my meta   |
// |           | key                                                                   |
// | `unpack`  | a meta / visa the message carries, checked and kept; the signature    |
// |           | under the sender's visa key or meta key; the content decrypted with   |
// |           | my keys or the key the sender last used towards this destination      |
//
// Commits come before plaintext: `unpack` puts what it learnt (documents
// riding along, the message key to reuse) into one batch and commits it
// before it hands the message back; if the commit fails, no message comes
// back and nothing changed.
#ifndef E2EKIT_PROTOCOLS_DIMP_MESSENGER_HPP
#define E2EKIT_PROTOCOLS_DIMP_MESSENGER_HPP

#include <e2ekit/core/random.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/protocols/dimp/barrack.hpp>
#include <e2ekit/protocols/dimp/concept.hpp>
#include <e2ekit/protocols/dimp/error.hpp>
#include <e2ekit/protocols/dimp/key_store.hpp>
#include <e2ekit/protocols/dimp/message.hpp>
#include <e2ekit/protocols/dimp/packer.hpp>
#include <e2ekit/storage/batch.hpp>
#include <e2ekit/storage/concept.hpp>

#include <optional>
#include <string_view>
#include <vector>

namespace e2ekit::protocols::dimp {

template <storage::store S, random_source R = system_random, class Entities = barrack<S>,
          class Keys = key_store<S>>
requires entity_database<Entities, S> && key_cache<Keys, S>
class messenger {
public:
    messenger(S& store, id me, R rng = R{})
        : store_(store), barrack_(store), keys_(store), me_(std::move(me)), rng_(std::move(rng)) {}

    const id& me() const noexcept { return me_; }
    Entities& entities() noexcept { return barrack_; }
    const Keys& cipher_keys() const noexcept { return keys_; }

    /// instant -> reliable, sent by me. `unknown_entity` when a receiver's
    /// meta (or a group's members) is not held; members without a key
    /// that can encrypt are left out, as the reference leaves them.
    result<reliable_message> pack(const instant_message& msg) {
        if (!(msg.head().sender.without_terminal() == me_.without_terminal()))
            return dimp_error::invalid_message;
        const id destination = key_destination(msg.head());
        storage::batch b;
        E2EKIT_TRY(password, keys_.get_or_generate(b, me_, destination, rng_));
        if (!b.empty()) E2EKIT_CHECK(store_.commit(b));
        std::vector<id> members;
        if (!msg.head().is_broadcast()) {
            if (msg.head().receiver.is_group()) {
                E2EKIT_TRY(m, barrack_.members(msg.head().receiver));
                members = std::move(m);
            } else {
                members.push_back(msg.head().receiver);
            }
        }
        std::vector<public_key> enc;
        std::vector<id> to;
        for (const auto& m : members) {
            auto k = barrack_.encryption_key(m);
            if (!k) {
                if (members.size() == 1) return k.error();
                continue;
            }
            enc.push_back(std::move(*k));
            to.push_back(m);
        }
        std::vector<key_recipient> recipients;
        for (std::size_t i = 0; i < to.size(); ++i)
            recipients.push_back({to[i], &enc[i]});
        E2EKIT_TRY(secure, encrypt_message(msg, password, rng_, recipients));
        E2EKIT_TRY(signer, barrack_.sign_key(me_));
        return sign_message(secure, signer);
    }

    /// reliable -> instant, for me (as the receiver, a member of the group
    /// it is sent to, or anyone for a broadcast).
    result<instant_message> unpack(const reliable_message& msg) {
        const envelope& head = msg.head();
        storage::batch b;
        // The sender's meta: held, or riding along (and then kept).
        E2EKIT_TRY(held_meta, barrack_.meta_of(head.sender));
        std::optional<meta> sender_meta = std::move(held_meta);
        E2EKIT_TRY(attached_meta, msg.attached_meta());
        if (!sender_meta && attached_meta) {
            E2EKIT_CHECK(barrack_.add_meta(b, head.sender, *attached_meta));
            sender_meta = std::move(attached_meta);
        }
        if (!sender_meta) return dimp_error::unknown_entity;
        // The sender's visa: a newer one riding along is kept.
        E2EKIT_TRY(visa, barrack_.visa_of(head.sender));
        E2EKIT_TRY(attached_visa, msg.attached_visa());
        if (attached_visa &&
            attached_visa->did().without_terminal() == head.sender.without_terminal()) {
            auto added = barrack_.add_document(b, *attached_visa, *sender_meta);
            if (added)
                visa = std::move(attached_visa);
            else if (added.error() != dimp_error::outdated)
                return added.error();
        }
        E2EKIT_TRY(secure, verify_message(msg, *sender_meta, visa ? &*visa : nullptr));
        // My keys, and the key the sender last used towards this destination.
        E2EKIT_TRY(mine, barrack_.decrypt_keys(me_));
        std::vector<const private_key*> my_keys;
        for (const auto& k : mine)
            my_keys.push_back(&k);
        const id destination = key_destination(head);
        E2EKIT_TRY(cached, keys_.get(head.sender, destination));
        E2EKIT_TRY(opened, decrypt_message(secure, me_, my_keys, cached ? &*cached : nullptr));
        if (!cached || !(*cached == opened.key)) keys_.add(b, head.sender, destination, opened.key);
        if (!b.empty()) E2EKIT_CHECK(store_.commit(b));
        return std::move(opened.message);
    }

    result<instant_message> unpack_text(std::string_view text) {
        E2EKIT_TRY(msg, reliable_message::parse_text(text));
        return unpack(msg);
    }

private:
    S& store_;
    Entities barrack_;
    Keys keys_;
    id me_;
    R rng_;
};

} // namespace e2ekit::protocols::dimp

#endif
