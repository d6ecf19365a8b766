#include <e2ekit/protocols/olm/device.hpp>

#include <catch2/catch.hpp>

#include <e2ekit/storage/memory_store.hpp>

#include <string>

using namespace e2ekit;
using namespace e2ekit::protocols::olm;
using store_t = storage::memory_store;

namespace {

std::string text(const secret_bytes& s) {
    return std::string(reinterpret_cast<const char*>(s.data()), s.size());
}

/// A store that refuses commits while `refuse` is set.
struct flaky_store {
    using store_concept = storage::store_tag;
    store_t inner;
    bool refuse = false;
    result<secret_bytes> get(std::string_view ns, std::string_view key) const {
        return inner.get(ns, key);
    }
    result<bool> contains(std::string_view ns, std::string_view key) const {
        return inner.contains(ns, key);
    }
    result<std::vector<std::string>> list(std::string_view ns, std::string_view prefix) const {
        return inner.list(ns, prefix);
    }
    result<void> commit(const storage::batch& b) {
        if (refuse) return storage::storage_error::io_error;
        return inner.commit(b);
    }
};
static_assert(storage::store<flaky_store>);

std::vector<std::pair<std::string, std::string>> dump(const store_t& s) {
    std::vector<std::pair<std::string, std::string>> out;
    for (auto ns :
         {device_layout::account_ns, device_layout::sessions_ns, device_layout::preferred_ns})
        if (auto keys = s.list(ns, ""))
            for (const auto& k : *keys)
                out.emplace_back(std::string(ns) + ":" + k, text(*s.get(ns, k)));
    return out;
}

} // namespace

TEST_CASE("olm device: sessions both ways, stored and reopened", "[protocols][olm]") {
    testing::deterministic_random rng(31);
    store_t sa, sb;
    auto alice = device<store_t>::create(sa, rng);
    auto bob = device<store_t>::create(sb, rng);
    REQUIRE((alice && bob));
    auto otks = bob->generate_one_time_keys(3, rng);
    REQUIRE(otks);
    REQUIRE(bob->mark_keys_as_published());
    const auto a_key = alice->account().curve25519_key();
    const auto b_key = bob->account().curve25519_key();

    CHECK(alice->encrypt(b_key, as_bytes(std::string("x")), rng).error() == olm_error::no_session);
    auto id = alice->create_outbound(b_key, otks->front().key, rng);
    REQUIRE(id);
    auto m1 = alice->encrypt(b_key, as_bytes(std::string("one")), rng);
    auto m2 = alice->encrypt(b_key, as_bytes(std::string("two")), rng);
    REQUIRE((m1 && m2));
    CHECK(m1->type == message_type::prekey);
    auto p2 = bob->decrypt(a_key, m2->type, m2->body);
    REQUIRE(p2);
    CHECK(text(*p2) == "two");
    CHECK(bob->account().one_time_key_count() == 2);
    // The other pre-key message goes to the session it matches.
    auto p1 = bob->decrypt(a_key, m1->type, m1->body);
    REQUIRE(p1);
    CHECK(text(*p1) == "one");
    CHECK(bob->sessions_with(a_key)->size() == 1);
    CHECK(bob->sessions_with(a_key)->front() == *id);

    // Reopened from the stores alone.
    auto bob2 = device<store_t>::open(sb);
    REQUIRE(bob2);
    CHECK(bob2->account() == bob->account());
    auto r = bob2->encrypt(a_key, as_bytes(std::string("reply")), rng);
    REQUIRE(r);
    CHECK(r->type == message_type::normal);
    auto alice2 = device<store_t>::open(sa);
    REQUIRE(alice2);
    auto pr = alice2->decrypt(b_key, r->type, r->body);
    REQUIRE(pr);
    CHECK(text(*pr) == "reply");
    auto m3 = alice2->encrypt(b_key, as_bytes(std::string("normal now")), rng);
    CHECK(m3->type == message_type::normal);

    // A replay, a forgery, an unknown peer: typed errors, the store unchanged.
    const auto before = dump(sb);
    CHECK(bob2->decrypt(a_key, m2->type, m2->body).error() ==
          ratchet::ratchet_error::duplicate_message);
    bytes forged = m3->body;
    forged.back() ^= 1;
    CHECK(bob2->decrypt(a_key, m3->type, forged).error() ==
          envelope::envelope_error::authentication_failed);
    CHECK(bob2->decrypt(b_key, m3->type, m3->body).error() == olm_error::no_session);
    CHECK(dump(sb) == before);
    CHECK(text(*bob2->decrypt(a_key, m3->type, m3->body)) == "normal now");
}

TEST_CASE("olm device: nothing is released when the commit fails", "[protocols][olm]") {
    testing::deterministic_random rng(32);
    flaky_store sa, sb;
    auto alice = device<flaky_store>::create(sa, rng);
    auto bob = device<flaky_store>::create(sb, rng);
    REQUIRE((alice && bob));
    auto fb = bob->generate_fallback_key(rng);
    REQUIRE(fb);
    const auto a_key = alice->account().curve25519_key();
    const auto b_key = bob->account().curve25519_key();
    REQUIRE(alice->create_outbound(b_key, fb->key, rng));
    auto m = alice->encrypt(b_key, as_bytes(std::string("hi")), rng);
    REQUIRE(m);
    sb.refuse = true;
    auto lost = bob->decrypt(a_key, m->type, m->body);
    REQUIRE_FALSE(lost);
    CHECK(lost.error() == storage::storage_error::io_error);
    CHECK(bob->sessions_with(a_key)->empty());
    sb.refuse = false;
    CHECK(text(*bob->decrypt(a_key, m->type, m->body)) == "hi");
    // The fallback key stays for the next peer.
    CHECK(bob->account().find_key(fb->key));
    sa.refuse = true;
    CHECK_FALSE(alice->encrypt(b_key, as_bytes(std::string("x")), rng));
    CHECK_FALSE(alice->generate_one_time_keys(1, rng));
    CHECK(alice->account().one_time_key_count() == 0);
}
