#include <e2ekit/protocols/olm/account.hpp>

#include <catch2/catch.hpp>

#include <set>
#include <string>

using namespace e2ekit;
using namespace e2ekit::protocols::olm;

TEST_CASE("olm account: key ids as libolm writes them", "[protocols][olm]") {
    CHECK(key_id_string(1) == "AAAAAQ");
    CHECK(key_id_string(0x01020304) == "AQIDBA");
}

TEST_CASE("olm account: one-time keys: generate, publish, at most 100", "[protocols][olm]") {
    testing::deterministic_random rng(21);
    account a = account::create(rng);
    CHECK(a.one_time_keys().empty());
    a.generate_one_time_keys(5, rng);
    auto keys = a.one_time_keys();
    REQUIRE(keys.size() == 5);
    CHECK(keys.front().id == 5); // newest first
    CHECK(keys.back().id == 1);
    CHECK(a.mark_keys_as_published() == 5);
    CHECK(a.one_time_keys().empty());
    a.generate_one_time_keys(120, rng);
    CHECK(a.one_time_key_count() == 100);
    keys = a.one_time_keys();
    CHECK(keys.size() == 100); // the five published ones went first
    CHECK(keys.back().id == 26);
    std::set<public_key> distinct;
    for (const auto& k : keys)
        distinct.insert(k.key);
    CHECK(distinct.size() == 100);
}

TEST_CASE("olm account: fallback keys, the previous one kept until forgotten", "[protocols][olm]") {
    testing::deterministic_random rng(22);
    account a = account::create(rng);
    CHECK_FALSE(a.unpublished_fallback_key());
    a.generate_fallback_key(rng);
    auto f1 = a.unpublished_fallback_key();
    REQUIRE(f1);
    (void)a.mark_keys_as_published();
    CHECK_FALSE(a.unpublished_fallback_key());
    a.generate_fallback_key(rng);
    auto f2 = a.unpublished_fallback_key();
    REQUIRE(f2);
    CHECK(f2->id == f1->id + 1);
    CHECK(a.previous_fallback_key() == f1);
    CHECK(a.find_key(f1->key));
    a.forget_old_fallback_key();
    CHECK_FALSE(a.find_key(f1->key));
    CHECK(a.find_key(f2->key));
}

TEST_CASE("olm account: signing with the Ed25519 key", "[protocols][olm]") {
    testing::deterministic_random rng(23);
    const account a = account::create(rng);
    const auto msg = as_bytes(std::string_view("{\"algorithms\":[]}"));
    const auto sig = a.sign(msg);
    CHECK(crypto::ed25519::verify(a.ed25519_key(), msg, sig));
}

TEST_CASE("olm account: inbound sessions use and remove one-time keys, keep fallback keys",
          "[protocols][olm]") {
    testing::deterministic_random rng(24);
    account alice = account::create(rng);
    account bob = account::create(rng);
    bob.generate_one_time_keys(2, rng);
    bob.generate_fallback_key(rng);
    const auto otk = bob.one_time_keys().front().key;
    const auto fallback = bob.fallback_key()->key;

    auto s = alice.create_outbound(bob.curve25519_key(), otk, rng);
    REQUIRE(s);
    auto m = std::move(*encrypt(*s, as_bytes(std::string_view("hi")), rng)).release();
    REQUIRE(m.type == message_type::prekey);
    const account bob_before = bob.clone();
    auto in = bob.create_inbound(m.body, &alice.curve25519_key());
    REQUIRE(in);
    CHECK(bob == bob_before); // the step changes nothing until committed
    CHECK(in->state().account.one_time_key_count() == 1);
    CHECK_FALSE(in->state().account.find_key(otk));
    CHECK(id_of(in->state().session) == id_of(*s));

    // Reused one-time key: unknown to the next account.
    account bob2 = std::move(*in).take_state().account;
    auto again = bob2.create_inbound(m.body);
    REQUIRE_FALSE(again);
    CHECK(again.error() == olm_error::unknown_one_time_key);
    // A wrong sender identity.
    CHECK(bob.create_inbound(m.body, &bob.curve25519_key()).error() == olm_error::session_mismatch);

    // Fallback keys are not used up.
    auto fs = alice.create_outbound(bob2.curve25519_key(), fallback, rng);
    REQUIRE(fs);
    auto fm = std::move(*encrypt(*fs, as_bytes(std::string_view("fb")), rng)).release();
    auto fin = bob2.create_inbound(fm.body);
    REQUIRE(fin);
    CHECK(fin->state().account.find_key(fallback));
}

TEST_CASE("olm account: the stored form round-trips and is strict", "[protocols][olm]") {
    testing::deterministic_random rng(25);
    account a = account::create(rng);
    a.generate_one_time_keys(3, rng);
    (void)a.mark_keys_as_published();
    a.generate_one_time_keys(2, rng);
    a.generate_fallback_key(rng);
    a.generate_fallback_key(rng);
    const secret_bytes stored = a.serialize();
    auto back = account::parse(stored.view());
    REQUIRE(back);
    CHECK(*back == a);
    CHECK(back->one_time_keys() == a.one_time_keys());
    CHECK(back->curve25519_key() == a.curve25519_key());
    CHECK(back->ed25519_key() == a.ed25519_key());
    CHECK(account::parse(bytes{0x02}).error() == olm_error::bad_state);
    bytes other = to_bytes(stored.view());
    other[1] = 9;
    CHECK(account::parse(other).error() == olm_error::unsupported_state);
}
