// Laws every Double Ratchet params type obeys through double_ratchet<P>,
// as reusable checkers (after Boost.Hana's test/_include/laws):
//
//   e2ekit::test::laws::check_double_ratchet<P>();
//
// Each law starts two fresh sides from one agreed root and chain: `a` sends
// first on the agreed chain, `b` receives on it (concept.hpp, "First
// chains"); the laws do not depend on which role that is.
#ifndef E2EKIT_TESTS_SUPPORT_LAWS_RATCHET_HPP
#define E2EKIT_TESTS_SUPPORT_LAWS_RATCHET_HPP

#include <e2ekit/core/random.hpp>
#include <e2ekit/ratchet/double_ratchet.hpp>
#include <e2ekit/ratchet/error.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

namespace e2ekit::test::laws {

template <ratchet::double_ratchet_params P>
struct ratchet_pair {
    using dr = ratchet::double_ratchet<P>;
    testing::deterministic_random rng;
    typename dr::state a;
    typename dr::state b;

    explicit ratchet_pair(std::uint64_t seed) : rng(seed) {
        auto root = random_secret<ratchet::key_size, ratchet::root_key_tag>(rng);
        auto chain = random_secret<ratchet::key_size, ratchet::chain_key_tag>(rng);
        auto pair = P::dh::generate(rng);
        const auto pub = pair.pub;
        a = dr::start_sending(root.clone(), chain.clone(), std::move(pair));
        b = dr::start_receiving(std::move(root), std::move(chain), pub);
    }

    /// The stored form, to compare states byte for byte.
    static bytes stored(const typename dr::state& s) {
        auto ser = dr::serialize(s);
        return bytes(ser.data(), ser.data() + ser.size());
    }

    /// One message from `from`; `from` moves on (the caller committed).
    typename dr::encrypted send(typename dr::state& from) {
        auto e = dr::encrypt_step(from, rng);
        REQUIRE(e);
        from = e->next.clone();
        return std::move(*e);
    }

    /// Receives `e` on `to`, checks the keys, commits.
    void receive(typename dr::state& to, const typename dr::encrypted& e) {
        auto d = dr::decrypt_step(to, e.hdr);
        REQUIRE(d);
        CHECK(d->keys == e.keys);
        to = std::move(d->next);
    }
};

/// Keys agree across turns in both directions; the steps never change the
/// state they are given.
template <ratchet::double_ratchet_params P>
void law_round_trip() {
    ratchet_pair<P> t(1);
    using dr = typename ratchet_pair<P>::dr;
    for (int turn = 0; turn < 6; ++turn) {
        auto& from = turn % 2 ? t.b : t.a;
        auto& to = turn % 2 ? t.a : t.b;
        for (int i = 0; i < 3; ++i) {
            const bytes before = t.stored(from);
            auto e = dr::encrypt_step(from, t.rng);
            REQUIRE(e);
            CHECK(t.stored(from) == before); // pure
            CHECK(e->hdr.counter == static_cast<std::uint32_t>(i));
            from = e->next.clone();
            const bytes to_before = t.stored(to);
            auto d = dr::decrypt_step(to, e->hdr);
            REQUIRE(d);
            CHECK(t.stored(to) == to_before); // pure
            CHECK(d->keys == e->keys);
            to = std::move(d->next);
        }
    }
}

/// Messages of several chains arrive in any order within the bounds.
template <ratchet::double_ratchet_params P>
void law_out_of_order() {
    ratchet_pair<P> t(2);
    std::vector<typename ratchet_pair<P>::dr::encrypted> flight;
    const std::size_t per_chain =
        std::min<std::size_t>({P::limits.max_skip, P::limits.max_skipped_keys_per_chain, 6});
    for (std::size_t i = 0; i < per_chain; ++i)
        flight.push_back(t.send(t.a));
    t.receive(t.b, flight.front()); // b learns a's chain, then answers: a new chain
    flight.erase(flight.begin());
    t.receive(t.a, t.send(t.b));
    for (std::size_t i = 0; i < per_chain; ++i)
        flight.push_back(t.send(t.a));
    std::mt19937 shuffle(7);
    std::shuffle(flight.begin(), flight.end(), shuffle);
    for (const auto& e : flight)
        t.receive(t.b, e);
}

/// A message decrypted once is refused after: duplicate_message, state
/// untouched; in order (behind the chain) and out of order (a used skipped
/// key).
template <ratchet::double_ratchet_params P>
void law_replay_rejected() {
    ratchet_pair<P> t(3);
    using dr = typename ratchet_pair<P>::dr;
    auto m0 = t.send(t.a);
    auto m1 = t.send(t.a);
    auto m2 = t.send(t.a);
    t.receive(t.b, m0);
    t.receive(t.b, m2); // m1's key is now stored
    t.receive(t.b, m1); // and used
    for (const auto* m : {&m0, &m1, &m2}) {
        const bytes before = t.stored(t.b);
        auto again = dr::decrypt_step(t.b, m->hdr);
        REQUIRE_FALSE(again);
        CHECK(again.error() == ratchet::ratchet_error::duplicate_message);
        CHECK(again.error() == condition::conflict);
        CHECK(t.stored(t.b) == before);
    }
}

/// A counter more than max_skip ahead is refused (too_far_ahead), on a known
/// chain and on a new one; exactly max_skip ahead is taken.
template <ratchet::double_ratchet_params P>
void law_skip_bound() {
    constexpr std::uint32_t max = P::limits.max_skip;
    using dr = typename ratchet_pair<P>::dr;
    {
        ratchet_pair<P> t(4);
        auto e = t.send(t.a);
        auto h = e.hdr;
        h.counter = max + 1;
        auto r = dr::decrypt_step(t.b, h);
        REQUIRE_FALSE(r);
        CHECK(r.error() == ratchet::ratchet_error::too_far_ahead);
        CHECK(r.error() == condition::limit_exceeded);
        h.counter = max;
        CHECK(dr::decrypt_step(t.b, h));
    }
    {
        ratchet_pair<P> t(5);
        t.receive(t.b, t.send(t.a));
        auto e = t.send(t.b); // a new ratchet key for a
        auto h = e.hdr;
        h.counter = max + 1;
        auto r = dr::decrypt_step(t.a, h);
        REQUIRE_FALSE(r);
        CHECK(r.error() == ratchet::ratchet_error::too_far_ahead);
    }
}

/// Stored skipped keys and receiver chains stay within their bounds; the
/// oldest go first, and a message whose key went is a duplicate.
template <ratchet::double_ratchet_params P>
void law_storage_bounds() {
    constexpr std::size_t keep = P::limits.max_skipped_keys_per_chain;
    using dr = typename ratchet_pair<P>::dr;
    ratchet_pair<P> t(6);
    std::vector<typename dr::encrypted> sent;
    // Skip more than `keep` keys, in jumps no longer than max_skip.
    const std::size_t step =
        std::max<std::size_t>(1, std::min<std::size_t>(P::limits.max_skip, 50));
    while (sent.size() < keep * (step + 1) / step + step + 3)
        sent.push_back(t.send(t.a));
    for (std::size_t i = step; i < sent.size(); i += step + 1)
        t.receive(t.b, sent[i]);
    t.receive(t.b, sent.back());
    REQUIRE(t.b.receivers.size() == 1);
    CHECK(t.b.receivers.back().skipped.size() <= keep);
    auto oldest = dr::decrypt_step(t.b, sent.front().hdr);
    REQUIRE_FALSE(oldest);
    CHECK(oldest.error() == ratchet::ratchet_error::duplicate_message);

    for (std::size_t turn = 0; turn < 2 * P::limits.max_receiver_chains + 2; ++turn) {
        t.receive(t.a, t.send(t.b));
        t.receive(t.b, t.send(t.a));
        CHECK(t.a.receivers.size() <= P::limits.max_receiver_chains);
        CHECK(t.b.receivers.size() <= P::limits.max_receiver_chains);
    }
}

/// A used key is gone from the next state: the stored skipped key is
/// removed, the chain has moved past it; the stored form shrinks.
template <ratchet::double_ratchet_params P>
void law_keys_erased() {
    ratchet_pair<P> t(7);
    auto m0 = t.send(t.a);
    auto m1 = t.send(t.a);
    t.receive(t.b, m1);
    REQUIRE(t.b.receivers.back().skipped.size() == 1);
    const std::size_t with_key = t.stored(t.b).size();
    t.receive(t.b, m0);
    CHECK(t.b.receivers.back().skipped.empty());
    CHECK(t.stored(t.b).size() < with_key);
    CHECK(t.b.receivers.back().index == 2);
}

/// serialize/parse round trip at every kind of state; garbage and every
/// truncation are refused with a typed error.
template <ratchet::double_ratchet_params P>
void law_serialization() {
    using dr = typename ratchet_pair<P>::dr;
    ratchet_pair<P> t(8);
    auto check = [&](const typename dr::state& s) {
        auto ser = dr::serialize(s);
        auto back = dr::parse(ser.view());
        REQUIRE(back);
        CHECK(*back == s);
        CHECK(equal_public(dr::serialize(*back).view(), ser.view()));
    };
    check(t.a);
    check(t.b);
    auto m0 = t.send(t.a);
    t.receive(t.b, t.send(t.a));
    check(t.a);
    check(t.b);
    t.receive(t.a, t.send(t.b));
    check(t.a);
    check(t.b);
    (void)m0;

    const auto ser = dr::serialize(t.b);
    for (std::size_t n = 0; n < ser.size(); ++n) {
        auto r = dr::parse(ser.view().first(n));
        if (r) continue; // a prefix can be a valid shorter state only by chance of field ends
        CHECK((r.error() == ratchet::ratchet_error::bad_state ||
               r.error() == ratchet::ratchet_error::unsupported_state));
    }
    const bytes garbage{0xff, 0xff, 0xff, 0x01, 0x02};
    auto g = dr::parse(garbage);
    REQUIRE_FALSE(g);
    CHECK(g.error() == ratchet::ratchet_error::bad_state);
}

template <ratchet::double_ratchet_params P>
void check_double_ratchet() {
    SECTION("round trip") {
        law_round_trip<P>();
    }
    SECTION("out of order") {
        law_out_of_order<P>();
    }
    SECTION("replay rejected") {
        law_replay_rejected<P>();
    }
    SECTION("skip bound") {
        law_skip_bound<P>();
    }
    SECTION("storage bounds") {
        law_storage_bounds<P>();
    }
    SECTION("keys erased") {
        law_keys_erased<P>();
    }
    SECTION("serialization") {
        law_serialization<P>();
    }
}

} // namespace e2ekit::test::laws

#endif
