#include <e2ekit/protocols/signal/device.hpp>

#include <catch2/catch.hpp>

#include <e2ekit/storage/filesystem_store.hpp>
#include <e2ekit/storage/memory_store.hpp>
#include <e2ekit/storage/scoped.hpp>

#include <tests/support/faulty_store.hpp>
#include <tests/support/storage_archetype.hpp>
#include <tests/support/storage_tmpdir.hpp>
#include <tests/support/trust_archetype.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

using namespace e2ekit;
namespace sig = e2ekit::protocols::signal;
using storage::memory_store;

namespace {

const sig::address alice_at{"alice@example.org", 1};
const sig::address bob_at{"bob@example.org", 7};

constexpr std::string_view spaces[] = {sig::layout::local, sig::layout::signed_prekeys,
                                       sig::layout::prekeys, sig::layout::sessions,
                                       sig::layout::identities};

/// Everything a device stored, for byte-for-byte comparisons.
template <class S>
std::map<std::string, bytes> snapshot(const S& s) {
    return test::snapshot(s, spaces);
}

template <class S>
using faulty = test::faulty_store<S>;

std::string text(const secret_bytes& s) {
    return std::string(as_chars(s.view()));
}

template <class D>
std::string read(D& d, const sig::address& from, const sig::outgoing& m) {
    auto r = d.decrypt(from, m);
    INFO("decrypt: " << r.error().message());
    REQUIRE(r);
    return text(*r);
}

template <class D>
sig::outgoing send(D& d, const sig::address& to, std::string_view s,
                   testing::deterministic_random& rng) {
    auto r = d.encrypt(to, as_bytes(s), rng);
    INFO("encrypt: " << r.error().message());
    REQUIRE(r);
    return std::move(*r);
}

/// The (ratchet key, counter) a message was sent with.
std::pair<sig::public_key, std::uint32_t> ratchet_position(const sig::outgoing& m) {
    bytes_view whisper = m.body;
    bytes inner;
    if (m.type == sig::message_type::prekey) {
        auto p = sig::parse_prekey_signal_message(m.body);
        REQUIRE(p);
        inner = p->message;
        whisper = inner;
    }
    auto w = sig::parse_signal_message(whisper);
    REQUIRE(w);
    return {w->ratchet_key, w->counter};
}

} // namespace

TEST_CASE("signal device: create, open, pre-keys and what is published",
          "[protocols][signal][device]") {
    testing::deterministic_random rng{1};
    memory_store s;
    using device = sig::device<memory_store>;
    CHECK(device::open(s).error() == sig::device_error::no_identity);

    sig::device_options o;
    o.one_time_prekeys = 20;
    o.timestamp = 1700000000000;
    auto d = device::create(s, rng, o);
    REQUIRE(d);
    CHECK(device::create(s, rng, o).error() == sig::device_error::identity_exists);
    CHECK(std::error_code(sig::device_error::identity_exists) == condition::conflict);
    CHECK(d->registration_id() >= 1);
    CHECK(d->registration_id() <= sig::identity_params::max_registration_id);

    auto again = device::open(s);
    REQUIRE(again);
    CHECK(again->identity_key() == d->identity_key());
    CHECK(again->registration_id() == d->registration_id());

    auto pub = d->publish();
    REQUIRE(pub);
    CHECK(pub->identity_key == d->identity_key());
    CHECK(pub->registration_id == d->registration_id());
    CHECK(pub->signed_prekey.timestamp == o.timestamp);
    CHECK(sig::x3dh_params::verify_prekey(pub->identity_key, pub->signed_prekey.key,
                                          pub->signed_prekey.signature));
    CHECK(pub->last_resort.id == sig::identity_params::last_resort_prekey_id);
    REQUIRE(pub->one_time_prekeys.size() == 20);
    auto ids = d->prekey_ids();
    REQUIRE(ids);
    CHECK(ids->size() == 20);
    for (std::size_t i = 0; i < ids->size(); ++i) {
        CHECK((*ids)[i] == pub->one_time_prekeys[i].id);
        CHECK((*ids)[i] >= 1);
        CHECK((*ids)[i] <= sig::max_prekey_id);
    }

    // Refill brings the count back up; generated ids continue the sequence.
    auto made = d->refill_prekeys(25, rng);
    REQUIRE(made);
    CHECK(*made == 5);
    CHECK(d->prekey_ids()->size() == 25);
    CHECK(*d->refill_prekeys(10, rng) == 0);
    auto more = d->generate_prekeys(3, rng);
    REQUIRE(more);
    const bool wrapped = (*more)[1] == sig::max_prekey_id;
    CHECK((*more)[2] == (wrapped ? 1 : (*more)[1] + 1));

    // A bundle as a server hands it out.
    auto b = d->bundle(3, pub->one_time_prekeys[4].id);
    REQUIRE(b);
    CHECK(b->device_id == 3);
    CHECK(b->identity_key == d->identity_key());
    CHECK(b->signed_prekey_id == pub->signed_prekey.id);
    CHECK(b->one_time_prekey == pub->one_time_prekeys[4].key);
    CHECK(d->bundle(3, 0).error() == sig::signal_error::unknown_prekey);
    CHECK_FALSE(d->bundle(3)->one_time_prekey);

    // Signed pre-keys rotate; the current one cannot be removed.
    auto first_spk = pub->signed_prekey.id;
    auto next = d->rotate_signed_prekey(o.timestamp + 1, rng);
    REQUIRE(next);
    CHECK(*next != first_spk);
    CHECK(d->publish()->signed_prekey.id == *next);
    CHECK(d->signed_prekey_ids()->size() == 2);
    CHECK(d->remove_signed_prekey(*next).error() == sig::device_error::signed_prekey_in_use);
    CHECK(d->remove_signed_prekey(first_spk));
    CHECK(d->signed_prekey_ids()->size() == 1);
}

TEST_CASE("signal device: a conversation, pre-key used up in the session's commit, identity "
          "pinned",
          "[protocols][signal][device]") {
    testing::deterministic_random rng{2};
    memory_store sa, sb;
    faulty<memory_store> fb(sb);
    using device = sig::device<memory_store>;
    auto alice = device::create(sa, rng);
    auto bob = sig::device<faulty<memory_store>>::create(fb, rng);
    REQUIRE(alice);
    REQUIRE(bob);

    const auto otk = (*bob->prekey_ids())[5];
    auto bundle = bob->bundle(bob_at.device_id, otk);
    REQUIRE(bundle);
    CHECK(alice->encrypt(bob_at, as_bytes("x"), rng).error() == sig::signal_error::no_session);
    CHECK_FALSE(*alice->has_session(bob_at));
    REQUIRE(alice->process_bundle(bob_at, *bundle, rng));
    CHECK(*alice->has_session(bob_at));
    auto pinned = alice->identity(bob_at);
    REQUIRE(pinned);
    REQUIRE(*pinned);
    CHECK((*pinned)->trust == trust::level::trusted);
    CHECK(equal_public((*pinned)->key, sig::key_encoding::encode(bob->identity_key())));

    const auto m1 = send(*alice, bob_at, "hello bob", rng);
    const auto m2 = send(*alice, bob_at, "second", rng);
    CHECK(m1.type == sig::message_type::prekey);
    CHECK(m2.type == sig::message_type::prekey);

    const int before = fb.commits;
    CHECK(read(*bob, alice_at, m2) == "second"); // out of order, starts the session
    CHECK(fb.commits == before + 1);             // record, pre-key erased, pin: one commit
    auto ids = bob->prekey_ids();
    CHECK(std::find(ids->begin(), ids->end(), otk) == ids->end());
    CHECK(ids->size() == 99);
    CHECK((*bob->identity(alice_at))->trust == trust::level::trusted);
    CHECK(read(*bob, alice_at, m1) == "hello bob"); // same base key: the same session
    CHECK(bob->decrypt(alice_at, m1).error() == ratchet::ratchet_error::duplicate_message);

    const auto r1 = send(*bob, alice_at, "hi alice", rng);
    CHECK(r1.type == sig::message_type::signal);
    CHECK(read(*alice, bob_at, r1) == "hi alice");
    const auto m3 = send(*alice, bob_at, "answered", rng);
    CHECK(m3.type == sig::message_type::signal);
    CHECK(read(*bob, alice_at, m3) == "answered");

    // The layout as documented.
    CHECK(*sb.contains(sig::layout::sessions, "alice@example.org/1"));
    CHECK(*sb.contains(sig::layout::identities, "alice@example.org/1"));
    CHECK(*sa.contains(sig::layout::sessions, "bob@example.org/7"));
    CHECK(*sb.contains(sig::layout::prekeys, "00ffffff"));
    CHECK(*bob->session_devices("alice@example.org") == std::vector<std::uint32_t>{1});
    CHECK(bob->session_devices("alice@example.or")->empty());

    // Another device opened on the same store continues the same sessions.
    auto alice2 = device::open(sa);
    REQUIRE(alice2);
    CHECK(read(*bob, alice_at, send(*alice2, bob_at, "from a reopened device", rng)) ==
          "from a reopened device");

    REQUIRE(bob->delete_session(alice_at));
    CHECK_FALSE(*bob->has_session(alice_at));
    CHECK(bob->session_devices("alice@example.org")->empty());
}

TEST_CASE("signal device: bad input, replays, unknown pre-keys and untrusted keys change "
          "nothing stored",
          "[protocols][signal][device]") {
    testing::deterministic_random rng{3};
    memory_store sa, sb, sm;
    using device = sig::device<memory_store>;
    auto alice = device::create(sa, rng);
    auto bob = device::create(sb, rng);
    auto mallory = device::create(sm, rng);
    REQUIRE((alice && bob && mallory));

    REQUIRE(alice->process_bundle(bob_at, *bob->bundle(7, (*bob->prekey_ids())[0]), rng));
    const auto first = send(*alice, bob_at, "first", rng);
    CHECK(read(*bob, alice_at, first) == "first");
    const auto reply = send(*bob, alice_at, "reply", rng);
    CHECK(read(*alice, bob_at, reply) == "reply");
    const auto plain = send(*alice, bob_at, "plain", rng);

    const auto stored = snapshot(sb);
    const auto unchanged = [&](std::error_code got, std::error_code want) {
        INFO(got.message() << " / " << want.message());
        CHECK(got == want);
        CHECK(snapshot(sb) == stored);
    };

    // Damaged messages.
    bytes flipped = plain.body;
    flipped[flipped.size() - 1] ^= 1; // the MAC
    unchanged(bob->decrypt(alice_at, sig::message_type::signal, flipped).error(),
              envelope::envelope_error::authentication_failed);
    flipped = plain.body;
    flipped[flipped.size() - 12] ^= 0x40; // the ciphertext
    unchanged(bob->decrypt(alice_at, sig::message_type::signal, flipped).error(),
              envelope::envelope_error::authentication_failed);
    unchanged(
        bob->decrypt(alice_at, sig::message_type::signal, bytes_view(plain.body).first(5)).error(),
        envelope::envelope_error::truncated);
    unchanged(bob->decrypt(alice_at, sig::message_type::prekey, plain.body).error(),
              envelope::envelope_error::malformed);
    unchanged(bob->decrypt(alice_at, static_cast<sig::message_type>(2), plain.body).error(),
              envelope::envelope_error::malformed);
    // A replay, and a message for a peer without a session.
    unchanged(bob->decrypt(alice_at, first).error(), ratchet::ratchet_error::duplicate_message);
    unchanged(bob->decrypt({"carol", 1}, plain).error(), sig::signal_error::no_session);

    // A pre-key message naming a one-time pre-key Bob does not hold.
    memory_store sc;
    auto carol = device::create(sc, rng);
    auto fake_bundle = *bob->bundle(7);
    fake_bundle.one_time_prekey_id = 12345678;
    fake_bundle.one_time_prekey = crypto::x25519::generate(rng).pub;
    REQUIRE(carol->process_bundle(bob_at, fake_bundle, rng));
    unchanged(bob->decrypt({"carol", 1}, send(*carol, bob_at, "x", rng)).error(),
              sig::signal_error::unknown_prekey);

    // Mallory presents another identity key for Alice's address: refused
    // before any key is used, and nothing stored.
    REQUIRE(mallory->process_bundle(bob_at, *bob->bundle(7, (*bob->prekey_ids())[0]), rng));
    const auto forged = send(*mallory, bob_at, "I am alice", rng);
    unchanged(bob->decrypt(alice_at, forged).error(), trust::trust_error::untrusted_identity);
    CHECK(std::error_code(trust::trust_error::untrusted_identity) == condition::untrusted);

    // Alice still gets through, then her key is distrusted by the user.
    CHECK(read(*bob, alice_at, plain) == "plain");
    REQUIRE(bob->set_identity(alice_at, alice->identity_key(), trust::level::distrusted));
    const auto distrusted = snapshot(sb);
    CHECK(bob->encrypt(alice_at, as_bytes("no"), rng).error() ==
          trust::trust_error::untrusted_identity);
    CHECK(bob->decrypt(alice_at, send(*alice, bob_at, "ignored", rng)).error() ==
          trust::trust_error::untrusted_identity);
    CHECK(snapshot(sb) == distrusted);

    // The user accepts Mallory's key for that address instead: the forged
    // pre-key message now starts a session (its pre-key was still there).
    REQUIRE(bob->set_identity(alice_at, mallory->identity_key(), trust::level::trusted));
    CHECK(read(*bob, alice_at, forged) == "I am alice");
    REQUIRE(bob->set_identity(alice_at, mallory->identity_key(), trust::level::undecided));
    CHECK(bob->encrypt(alice_at, as_bytes("?"), rng).error() ==
          trust::trust_error::undecided_identity);
}

TEST_CASE("signal device: a bundle with an untrusted identity or a bad signature stores nothing",
          "[protocols][signal][device]") {
    testing::deterministic_random rng{4};
    memory_store sa, sb, sm;
    using device = sig::device<memory_store>;
    auto alice = device::create(sa, rng);
    auto bob = device::create(sb, rng);
    auto mallory = device::create(sm, rng);
    REQUIRE(alice->process_bundle(bob_at, *bob->bundle(7), rng));
    const auto stored = snapshot(sa);

    CHECK(alice->process_bundle(bob_at, *mallory->bundle(7), rng).error() ==
          trust::trust_error::untrusted_identity);
    CHECK(snapshot(sa) == stored);
    auto forged = *bob->bundle(7);
    forged.signed_prekey_signature[3] ^= 1;
    CHECK(alice->process_bundle(bob_at, forged, rng).error() ==
          agreement::agreement_error::bad_signature);
    CHECK(alice->process_bundle({"new", 1}, forged, rng).error() ==
          agreement::agreement_error::bad_signature);
    CHECK_FALSE(*alice->identity({"new", 1})); // not pinned either
    CHECK(snapshot(sa) == stored);

    // A new bundle from Bob starts a new session; the old one is archived.
    REQUIRE(alice->process_bundle(bob_at, *bob->bundle(7, (*bob->prekey_ids())[1]), rng));
    auto rec = sig::parse(sa.get(sig::layout::sessions, "bob@example.org/7")->view());
    REQUIRE(rec);
    CHECK(rec->archived.size() == 1);
    CHECK(read(*bob, alice_at, send(*alice, bob_at, "new session", rng)) == "new session");
}

TEST_CASE("signal device: a failed commit releases nothing and the step can be retried",
          "[protocols][signal][device]") {
    testing::deterministic_random rng{5};
    memory_store sa, sb;
    faulty<memory_store> fa(sa);
    auto alice = sig::device<faulty<memory_store>>::create(fa, rng);
    auto bob = sig::device<memory_store>::create(sb, rng);
    REQUIRE(alice->process_bundle(bob_at, *bob->bundle(7, (*bob->prekey_ids())[0]), rng));
    CHECK(read(*bob, alice_at, send(*alice, bob_at, "one", rng)) == "one");

    const auto stored = snapshot(sa);
    fa.fail = true;
    CHECK(alice->encrypt(bob_at, as_bytes("lost"), rng).error() ==
          storage::storage_error::io_error);
    CHECK(alice->process_bundle(bob_at, *bob->bundle(7), rng).error() ==
          storage::storage_error::io_error);
    const auto reply = send(*bob, alice_at, "reply", rng);
    CHECK(alice->decrypt(bob_at, reply).error() == storage::storage_error::io_error);
    std::vector<sig::incoming> backlog{reply};
    CHECK(alice->decrypt_all(bob_at, backlog).error() == storage::storage_error::io_error);
    CHECK(snapshot(sa) == stored);

    // Nothing was lost: the message decrypts once the store works again.
    fa.fail = false;
    CHECK(read(*alice, bob_at, reply) == "reply");
    const auto two = send(*alice, bob_at, "two", rng);
    CHECK(read(*bob, alice_at, two) == "two");
}

TEST_CASE("signal device: decrypt_all commits a backlog once and keeps per-message errors",
          "[protocols][signal][device]") {
    testing::deterministic_random rng{6};
    memory_store sa, sb;
    faulty<memory_store> fa(sa);
    auto alice = sig::device<faulty<memory_store>>::create(fa, rng);
    auto bob = sig::device<memory_store>::create(sb, rng);
    const auto otk = (*alice->prekey_ids())[0];
    REQUIRE(bob->process_bundle(alice_at, *alice->bundle(1, otk), rng));

    // Bob's pre-key messages, a reply round, then plain messages, shuffled
    // a little, with garbage, a replay and a second session attempt on the
    // same one-time pre-key mixed in.
    std::vector<sig::outgoing> sent;
    for (int i = 0; i < 4; ++i)
        sent.push_back(send(*bob, alice_at, "pre " + std::to_string(i), rng));
    memory_store sc;
    auto carol = sig::device<memory_store>::create(sc, rng);
    REQUIRE(carol->process_bundle(alice_at, *alice->bundle(1, otk), rng));
    const auto carol_msg = send(*carol, alice_at, "carol", rng);

    std::vector<sig::incoming> backlog;
    backlog.emplace_back(sent[1]);
    backlog.emplace_back(sent[0]);
    const bytes garbage(40, 0x33);
    backlog.emplace_back(sig::message_type::signal, garbage);
    backlog.emplace_back(sent[0]); // replay within the backlog
    backlog.emplace_back(sent[3]);
    backlog.emplace_back(sig::message_type::prekey, carol_msg.body); // Bob's address, Carol's key
    backlog.emplace_back(sent[2]);

    const auto before = fa.commits;
    auto results = alice->decrypt_all(bob_at, backlog);
    REQUIRE(results);
    CHECK(fa.commits == before + 1);
    REQUIRE(results->size() == backlog.size());
    CHECK(text(*(*results)[0]) == "pre 1");
    CHECK(text(*(*results)[1]) == "pre 0");
    CHECK((*results)[2].error() == envelope::envelope_error::malformed);
    CHECK((*results)[3].error() == ratchet::ratchet_error::duplicate_message);
    CHECK(text(*(*results)[4]) == "pre 3");
    CHECK((*results)[5].error() == trust::trust_error::untrusted_identity);
    CHECK(text(*(*results)[6]) == "pre 2");
    auto ids = alice->prekey_ids();
    CHECK(std::find(ids->begin(), ids->end(), otk) == ids->end());

    // The same one-time pre-key twice in one backlog: the second is refused
    // as it would be after the first's commit.
    memory_store sd;
    auto dave = sig::device<memory_store>::create(sd, rng);
    const auto otk2 = (*alice->prekey_ids())[0];
    REQUIRE(dave->process_bundle(alice_at, *alice->bundle(1, otk2), rng));
    const auto d1 = send(*dave, alice_at, "dave", rng);
    REQUIRE(dave->delete_session(alice_at));
    REQUIRE(dave->process_bundle(alice_at, *alice->bundle(1, otk2), rng));
    const auto d2 = send(*dave, alice_at, "dave again", rng);
    std::vector<sig::incoming> two{d1, d2};
    auto r2 = alice->decrypt_all({"dave", 1}, two);
    REQUIRE(r2);
    CHECK(text(*(*r2)[0]) == "dave");
    CHECK((*r2)[1].error() == sig::signal_error::unknown_prekey);

    // A backlog where nothing decrypts commits nothing.
    const auto stored = snapshot(sa);
    const auto commits = fa.commits;
    std::vector<sig::incoming> bad{{sig::message_type::signal, garbage}, sent[1]};
    auto r3 = alice->decrypt_all(bob_at, bad);
    REQUIRE(r3);
    CHECK(fa.commits == commits);
    CHECK(snapshot(sa) == stored);
    CHECK(alice->decrypt_all(bob_at, {})->empty());

    // A backlog whose commit fails releases nothing, and is read again later.
    std::vector<sig::outgoing> later;
    for (int i = 0; i < 3; ++i)
        later.push_back(send(*bob, alice_at, "later " + std::to_string(i), rng));
    std::vector<sig::incoming> backlog2(later.begin(), later.end());
    fa.fail = true;
    CHECK(alice->decrypt_all(bob_at, backlog2).error() == storage::storage_error::io_error);
    CHECK(snapshot(sa) == stored);
    fa.fail = false;
    auto r4 = alice->decrypt_all(bob_at, backlog2);
    REQUIRE(r4);
    for (int i = 0; i < 3; ++i)
        CHECK(text(*(*r4)[static_cast<std::size_t>(i)]) == "later " + std::to_string(i));
}

TEST_CASE("signal device: the last-resort pre-key serves every initiator and stays",
          "[protocols][signal][device]") {
    testing::deterministic_random rng{7};
    memory_store sa, sb;
    sig::device_options o;
    o.one_time_prekeys = 0;
    auto bob = sig::device<memory_store>::create(sb, rng, o);
    CHECK(bob->prekey_ids()->empty());
    for (std::uint32_t i = 1; i <= 3; ++i) {
        memory_store s;
        auto peer = sig::device<memory_store>::create(s, rng);
        const sig::address at{"peer", i};
        REQUIRE(peer->process_bundle(
            bob_at, *bob->bundle(7, sig::identity_params::last_resort_prekey_id), rng));
        CHECK(read(*bob, at, send(*peer, bob_at, "via last resort", rng)) == "via last resort");
        CHECK(*sb.contains(sig::layout::prekeys, "00ffffff"));
    }
    CHECK(*bob->session_devices("peer") == std::vector<std::uint32_t>{1, 2, 3});
}

TEST_CASE("signal device: messages to an old signed pre-key after a rotation",
          "[protocols][signal][device]") {
    testing::deterministic_random rng{8};
    memory_store sa, sb;
    auto alice = sig::device<memory_store>::create(sa, rng);
    auto bob = sig::device<memory_store>::create(sb, rng);
    const auto old_bundle = *bob->bundle(7);
    REQUIRE(bob->rotate_signed_prekey(5, rng));
    REQUIRE(alice->process_bundle(bob_at, old_bundle, rng));
    const auto m = send(*alice, bob_at, "old spk", rng);
    CHECK(read(*bob, alice_at, m) == "old spk");
    REQUIRE(bob->remove_signed_prekey(old_bundle.signed_prekey_id));
    memory_store sc;
    auto carol = sig::device<memory_store>::create(sc, rng);
    REQUIRE(carol->process_bundle(bob_at, old_bundle, rng));
    CHECK(bob->decrypt({"carol", 1}, send(*carol, bob_at, "too late", rng)).error() ==
          sig::signal_error::unknown_signed_prekey);
}

TEST_CASE("signal device: on a filesystem store, across reopening",
          "[protocols][signal][device][filesystem]") {
    testing::deterministic_random rng{9};
    test::storage_tmpdir dir("signal-device");
    memory_store sb;
    auto bob = sig::device<memory_store>::create(sb, rng);
    using fs_device = sig::device<storage::filesystem_store>;
    std::set<std::pair<sig::public_key, std::uint32_t>> used;
    for (int round = 0; round < 4; ++round) {
        auto fs = storage::filesystem_store::open(dir.path());
        REQUIRE(fs);
        auto alice = round == 0 ? fs_device::create(*fs, rng) : fs_device::open(*fs);
        REQUIRE(alice);
        if (round == 0) REQUIRE(alice->process_bundle(bob_at, *bob->bundle(7), rng));
        for (int i = 0; i < 3; ++i) {
            const auto m = send(*alice, bob_at, "a" + std::to_string(i), rng);
            CHECK(used.insert(ratchet_position(m)).second);
            CHECK(read(*bob, alice_at, m) == "a" + std::to_string(i));
        }
        CHECK(read(*alice, bob_at, send(*bob, alice_at, "b", rng)) == "b");
    }
}

TEST_CASE("signal device: accounts on one store through scoped views, and the archetypes",
          "[protocols][signal][device]") {
    testing::deterministic_random rng{10};
    memory_store shared;
    storage::scoped<memory_store> va(shared, "alice"), vb(shared, "bob");
    auto alice = sig::device<storage::scoped<memory_store>>::create(va, rng);
    auto bob = sig::device<storage::scoped<memory_store>>::create(vb, rng);
    REQUIRE((alice && bob));
    CHECK(alice->identity_key() != bob->identity_key());
    REQUIRE(alice->process_bundle(bob_at, *bob->bundle(7, (*bob->prekey_ids())[0]), rng));
    CHECK(read(*bob, alice_at, send(*alice, bob_at, "scoped", rng)) == "scoped");
    CHECK(*shared.contains("alice/signal.sessions", "bob@example.org/7"));
    CHECK(*shared.contains("bob/signal.sessions", "alice@example.org/1"));

    // A device written against nothing but the concepts.
    test::storage_archetype sx{test::storage_archetype::make_tag{}};
    auto x = sig::device<test::storage_archetype, test::trust_archetype>::create(sx, rng);
    REQUIRE(x);
    REQUIRE(x->process_bundle(bob_at, *bob->bundle(7), rng));
    CHECK(read(*bob, {"x", 1}, send(*x, bob_at, "archetype", rng)) == "archetype");
    // The archetype policy pins nothing.
    CHECK_FALSE(*x->identity(bob_at));
}

TEST_CASE("signal device: stored key forms are strict", "[protocols][signal][device]") {
    testing::deterministic_random rng{11};
    sig::stored::local_identity id{crypto::x25519::generate(rng), 1234};
    const auto form = sig::stored::encode(id);
    auto back = sig::stored::parse_local_identity(form.view());
    REQUIRE(back);
    CHECK(back->registration_id == 1234);
    CHECK(back->keys.pub == id.keys.pub);
    CHECK(back->keys.priv == id.keys.priv);

    const auto spk = sig::signed_prekey::generate(id.keys, 77, 99, rng);
    const auto otk = sig::one_time_prekey{5, crypto::x25519::generate(rng)};
    const auto sform = sig::stored::encode(spk);
    const auto oform = sig::stored::encode(otk);
    auto sback = sig::stored::parse_signed_prekey(sform.view());
    REQUIRE(sback);
    CHECK(sback->id == 77);
    CHECK(sback->timestamp == 99);
    CHECK(sback->signature == spk.signature);
    CHECK(sback->verify(id.keys.pub));
    auto oback = sig::stored::parse_one_time_prekey(oform.view());
    REQUIRE(oback);
    CHECK(oback->id == 5);
    CHECK(oback->keys.pub == otk.keys.pub);

    const auto bad = sig::device_error::bad_stored_key;
    for (const secret_bytes* f : {&form, &sform, &oform}) {
        const auto parse = [&](bytes_view b) -> std::error_code {
            if (f == &form) return sig::stored::parse_local_identity(b).error();
            if (f == &sform) return sig::stored::parse_signed_prekey(b).error();
            return sig::stored::parse_one_time_prekey(b).error();
        };
        CHECK(parse(bytes_view(f->view()).first(f->size() - 1)) == bad);
        bytes longer = to_bytes(f->view());
        longer.push_back(0);
        CHECK(parse(longer) == bad);
        bytes v = to_bytes(f->view());
        v[0] = 2;
        CHECK(parse(v) == bad);
        // The public half no longer the private half's.
        v = to_bytes(f->view());
        v[v.size() - (f == &sform ? 65 : 1)] ^= 1;
        CHECK(parse(v) == bad);
    }
    CHECK(sig::stored::parse_id(sig::stored::encode_id(0xabcdef)).value() == 0xabcdef);
    CHECK(sig::stored::parse_id(bytes(3)).error() == bad);

    // Key names.
    CHECK(sig::layout::key_of(std::uint32_t{0xffffff}) == "00ffffff");
    CHECK(sig::layout::id_of("00ffffff") == 0xffffffu);
    CHECK_FALSE(sig::layout::id_of("00FFFFFF"));
    CHECK_FALSE(sig::layout::id_of("0fffffff0"));
    CHECK(sig::layout::key_of(sig::address{"a/b%c", 12}) == "a%2Fb%25c/12");
    CHECK(sig::layout::device_id_of("a%2Fb%25c/12") == 12u);
    CHECK_FALSE(sig::layout::device_id_of("a/"));
    CHECK_FALSE(sig::layout::device_id_of("a/1x"));
    CHECK_FALSE(sig::layout::device_id_of("a/99999999999"));
    CHECK_FALSE(sig::layout::device_id_of("a/012"));
    CHECK_FALSE(sig::layout::device_id_of("a/+1"));
    CHECK(sig::layout::device_id_of("a/0") == 0u);
}

TEST_CASE("signal device: a damaged stored record or identity is a typed error",
          "[protocols][signal][device]") {
    testing::deterministic_random rng{12};
    memory_store sa, sb;
    auto alice = sig::device<memory_store>::create(sa, rng);
    auto bob = sig::device<memory_store>::create(sb, rng);
    REQUIRE(alice->process_bundle(bob_at, *bob->bundle(7), rng));
    REQUIRE(storage::put_one(sa, sig::layout::sessions, "bob@example.org/7", bytes{1, 2, 3}));
    auto fresh = sig::device<memory_store>::open(sa); // nothing cached
    CHECK(fresh->encrypt(bob_at, as_bytes("x"), rng).error() == sig::signal_error::bad_record);
    REQUIRE(storage::put_one(sa, sig::layout::identities, "carol/1", bytes{9}));
    CHECK(fresh->identity({"carol", 1}).error() == trust::trust_error::bad_record);
    REQUIRE(storage::put_one(sa, sig::layout::local, sig::layout::identity_key, bytes{1}));
    CHECK(sig::device<memory_store>::open(sa).error() == sig::device_error::bad_stored_key);
}
