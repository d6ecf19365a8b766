#include <e2ekit/protocols/dimp/messenger.hpp>

#include <catch2/catch.hpp>

#include <e2ekit/storage/memory_store.hpp>
#include <tests/support/dimp_vectors.hpp>
#include <tests/support/faulty_store.hpp>

#include <map>
#include <string>
#include <system_error>

using namespace e2ekit;
namespace dimp = e2ekit::protocols::dimp;
using dimp::dimp_error;
namespace tv = e2ekit::test::dimp;

namespace {

using flaky_store = test::faulty_store<storage::memory_store>;

dimp::id first_id(const nlohmann::json& m) {
    return dimp::id::parse(m.at("ids")[0].at("id").get<std::string>()).value();
}

/// bob's device: the vectors' accounts, documents and group, and his key.
template <class Store>
void provision_bob(Store& store) {
    const auto acc = tv::load("accounts.json");
    const auto docs = tv::load("documents.json");
    dimp::barrack<Store> b(store);
    for (const char* label : {"alice", "bob", "carol", "group_founded_by_alice"}) {
        const auto& m = tv::by(acc.at("metas"), "label", label);
        REQUIRE(b.save_meta(first_id(m), dimp::meta::parse(m.at("meta")).value()));
    }
    for (const auto& d : docs.at("documents"))
        REQUIRE(b.save_document(dimp::document::parse(d.at("document")).value()));
    const auto& bob = tv::by(acc.at("metas"), "label", "bob");
    REQUIRE(b.save_private_key(first_id(bob), dimp::key_role::meta,
                               dimp::private_key::from_json(bob.at("private_key")).value()));
}

} // namespace

TEST_CASE("dimp messenger: bob reads every vector message addressed to him",
          "[protocols][dimp][messenger][vectors]") {
    E2EKIT_REQUIRE_VECTORS();
    storage::memory_store store;
    provision_bob(store);
    const auto bob = *dimp::id::parse("bob@1ETT42cxoYAhbuMB3ZfTpC4f924M6HqYhJ");
    dimp::messenger<storage::memory_store, testing::deterministic_random> m(
        store, bob, testing::deterministic_random(1));
    const auto messages = tv::load_ordered("messages.json");
    const auto group = tv::load_ordered("group.json");
    auto read = [&](const nlohmann::ordered_json& wire) {
        return m.unpack_text(*codec::json::python_dumps(wire));
    };
    int n = 0;
    auto expect = [&](const nlohmann::ordered_json& wire, const nlohmann::ordered_json& content) {
        auto got = read(wire);
        REQUIRE(got);
        CHECK(nlohmann::json(got->content_map()) == nlohmann::json(content));
        ++n;
    };
    for (const auto& p : messages.at("pipelines")) {
        INFO(p.at("label").get<std::string>());
        const auto& content = p.at("instant_message").at("content");
        if (p.at("receiver") == bob.str() || p.at("receiver") == "anyone@anywhere") {
            expect(p.at("reliable_message"), content);
            if (p.contains("reliable_message_without_keys"))
                expect(p.at("reliable_message_without_keys"), content); // the cached key
        } else {
            CHECK(read(p.at("reliable_message")).error() == dimp_error::no_key);
        }
    }
    expect(group.at("group_message").at("reliable_message"),
           group.at("group_message").at("instant_message").at("content"));
    for (const auto& s : group.at("split"))
        if (s.at("member") == bob.str()) {
            expect(s.at("split_message"),
                   group.at("group_message").at("instant_message").at("content"));
            expect(s.at("split_message_legacy_key_field"),
                   group.at("group_message").at("instant_message").at("content"));
        }
    for (const auto& p : group.at("hidden_group_messages"))
        if (p.at("receiver") == bob.str()) {
            auto got = read(p.at("reliable_message"));
            REQUIRE(got);
            CHECK(got->body().group()->str() == group.at("group_id").get<std::string>());
            ++n;
        }
    CHECK(n == 9);
    // The keys bob learnt, by direction: alice -> bob, alice -> group.
    const auto alice = *dimp::id::parse("alice@17K4BBPXutyU3XGHJUzsWsESkzA6uZoiWZ");
    const auto gid = *dimp::id::parse(group.at("group_id").get<std::string>());
    CHECK(m.cipher_keys().get(alice, bob)->has_value());
    CHECK(m.cipher_keys().get(alice, gid)->has_value());
}

TEST_CASE("dimp messenger: two fresh users; meta and visa learnt from a message; commits first",
          "[protocols][dimp][messenger]") {
    testing::deterministic_random rng(21);
    // Alice: secp256k1 meta key, RSA visa key. Bob: RSA meta key, no visa key.
    auto alice_key = dimp::private_key::generate_ecc(rng);
    auto alice_visa_key = dimp::private_key::generate_rsa(1024);
    auto bob_key = dimp::private_key::generate_rsa(1024);
    auto alice_meta = *dimp::meta::generate(dimp::meta_type::mkm, alice_key, "alice");
    auto bob_meta = *dimp::meta::generate(dimp::meta_type::mkm, bob_key, "bob");
    const auto alice = *alice_meta.generate_id(0), bob = *bob_meta.generate_id(0);
    nlohmann::ordered_json props;
    props["type"] = "visa";
    props["key"] = nlohmann::ordered_json(alice_visa_key.public_key().to_json());
    props["time"] = 1714000000.0;
    auto alice_visa = *dimp::document::sign("visa", alice, props, alice_key);

    storage::memory_store alice_store;
    storage::memory_store bob_inner;
    flaky_store bob_store(bob_inner);
    {
        dimp::barrack<storage::memory_store> a(alice_store);
        REQUIRE(a.save_meta(alice, alice_meta));
        REQUIRE(a.save_document(alice_visa));
        REQUIRE(a.save_private_key(alice, dimp::key_role::meta, alice_key));
        REQUIRE(a.save_private_key(alice, dimp::key_role::visa, alice_visa_key));
        REQUIRE(a.save_meta(bob, bob_meta));
        dimp::barrack<flaky_store> b(bob_store);
        REQUIRE(b.save_meta(bob, bob_meta));
        REQUIRE(b.save_private_key(bob, dimp::key_role::meta, bob_key));
    }
    dimp::messenger<storage::memory_store, testing::deterministic_random> am(
        alice_store, alice, testing::deterministic_random(2));
    dimp::messenger<flaky_store, testing::deterministic_random> bm(
        bob_store, bob, testing::deterministic_random(3));

    auto say = [](const dimp::id& from, const dimp::id& to, const std::string& words) {
        nlohmann::ordered_json c;
        c["type"] = "1";
        c["sn"] = 1;
        c["time"] = 1714000001.0;
        c["text"] = words;
        return *dimp::instant_message::create(from, to, 1714000001.0, c);
    };
    // Bob does not know alice: a bare message is refused...
    auto first = am.pack(say(alice, bob, "hi bob"));
    REQUIRE(first);
    CHECK(bm.unpack(*first).error() == dimp_error::unknown_entity);
    // ... one with her meta and visa is read, and they are kept. A failed
    // commit gives no message and keeps nothing.
    auto intro = say(alice, bob, "hi bob, here is who I am");
    intro.attach_meta(alice_meta);
    intro.attach_visa(alice_visa);
    auto second = am.pack(intro);
    REQUIRE(second);
    bob_store.fail = true;
    CHECK(bm.unpack(*second).error() == storage::storage_error::io_error);
    CHECK_FALSE(bm.entities().meta_of(alice)->has_value());
    bob_store.fail = false;
    auto got = bm.unpack(*second);
    REQUIRE(got);
    CHECK(got->content_map().at("text") == "hi bob, here is who I am");
    CHECK(bm.entities().meta_of(alice)->has_value());
    CHECK(bm.entities().visa_of(alice)->has_value());
    CHECK(bm.unpack(*first));
    // Bob answers: encrypted to alice's visa key; she reads it. The same
    // key is reused for the next message in that direction.
    auto answer = bm.pack(say(bob, alice, "hello alice"));
    REQUIRE(answer);
    auto read = am.unpack(*answer);
    REQUIRE(read);
    CHECK(read->content_map().at("text") == "hello alice");
    auto again = bm.pack(say(bob, alice, "again"));
    REQUIRE(again);
    CHECK(*bm.cipher_keys().get(bob, alice).value() == *am.cipher_keys().get(bob, alice).value());
    CHECK(am.unpack(*again));
    // Forged: another sender's name on alice's message.
    auto j = second->to_json();
    j["sender"] = bob.str();
    CHECK(bm.unpack(dimp::reliable_message::parse(j).value()).error() ==
          dimp_error::authentication_failed);
    // Not mine to pack.
    CHECK(am.pack(say(bob, alice, "x")).error() == dimp_error::invalid_message);
    // A group: bob packs to the members alice knows of.
    const auto group_meta = *dimp::meta::generate(dimp::meta_type::mkm, bob_key, "team");
    const auto group = *group_meta.generate_id(dimp::entity::group);
    CHECK(bm.pack(say(bob, group, "team")).error() == dimp_error::unknown_entity);
    REQUIRE(bm.entities().save_members(group, {alice, bob}));
    auto to_group = bm.pack(say(bob, group, "team"));
    REQUIRE(to_group);
    CHECK(am.unpack(*to_group)->content_map().at("text") == "team");
    CHECK(am.unpack(*to_group->split_for(alice, true))->content_map().at("text") == "team");
}

namespace {

constexpr std::string_view dimp_spaces[] = {
    dimp::barrack_names::meta, dimp::barrack_names::document, dimp::barrack_names::members,
    dimp::barrack_names::private_key, dimp::cipher_namespace};

/// Everything the messenger's policies keep, to compare before and after.
std::map<std::string, bytes> dump(const storage::memory_store& s) {
    return test::snapshot(s, dimp_spaces);
}

} // namespace

TEST_CASE("dimp messenger: bad input gets a typed error and changes nothing stored",
          "[protocols][dimp][messenger][vectors]") {
    E2EKIT_REQUIRE_VECTORS();
    storage::memory_store store;
    provision_bob(store);
    const auto bob = *dimp::id::parse("bob@1ETT42cxoYAhbuMB3ZfTpC4f924M6HqYhJ");
    dimp::messenger<storage::memory_store, testing::deterministic_random> m(
        store, bob, testing::deterministic_random(1));
    const auto acc = tv::load_ordered("accounts.json");
    const auto docs = tv::load_ordered("documents.json");
    const auto messages = tv::load_ordered("messages.json");
    const auto& pipes = messages.at("pipelines");
    const auto& good = pipes[0].at("reliable_message");
    REQUIRE(good.at("receiver") == bob.str());
    const auto before = dump(store);

    auto refused = [&](const std::string& text) {
        auto got = m.unpack_text(text);
        CHECK_FALSE(got);
        CHECK(dump(store) == before);
        return got ? std::error_code{} : std::error_code(got.error());
    };
    auto refused_json = [&](const nlohmann::ordered_json& j) {
        return refused(*codec::json::python_dumps(j));
    };
    auto with = [&](const char* field, nlohmann::ordered_json v) {
        auto j = good;
        j[field] = std::move(v);
        return j;
    };
    auto without = [&](const char* field) {
        auto j = good;
        j.erase(field);
        return j;
    };
    const auto auth = std::error_code(dimp_error::authentication_failed);

    // Wrong signature: another message's, or flipped bits.
    CHECK(refused_json(with("signature", pipes[1].at("reliable_message").at("signature"))) == auth);
    auto sig = good.at("signature").get<std::string>();
    sig[10] = sig[10] == 'A' ? 'B' : 'A';
    CHECK(refused_json(with("signature", sig)) == auth);
    // Wrong key: bob's entry replaced by another's, or bytes that do not decrypt.
    auto keys = good.at("keys");
    keys[bob.str()] = pipes[1].at("reliable_message").at("signature");
    CHECK(refused_json(with("keys", keys)) == auth);
    // The sender names someone else (the signature is not theirs).
    const auto& carol = tv::by(acc.at("metas"), "label", "carol");
    CHECK(refused_json(with("sender", carol.at("ids")[0].at("id"))) == auth);
    // Meta riding along that does not generate the sender's ID.
    auto stranger = good;
    stranger["sender"] = "mallory@17K4BBPXutyU3XGHJUzsWsESkzA6uZoiWZ";
    stranger["meta"] = carol.at("meta");
    CHECK(refused_json(stranger));
    // A visa riding along, signed by someone else (bob's visa under alice's name).
    int visas = 0;
    for (const auto& d : docs.at("documents"))
        if (d.at("document").at("did") == bob.str()) {
            ++visas;
            auto j = good;
            j["visa"] = d.at("document");
            j["visa"]["did"] = good.at("sender");
            CHECK(refused_json(j));
        }
    CHECK(visas == 1);
    // Missing fields, wrong types, base64 garbage, oversized values.
    for (const char* f : {"sender", "receiver", "data", "signature"})
        CHECK(refused_json(without(f)));
    CHECK(refused_json(with("data", "!!!not base64!!!")));
    CHECK(refused_json(with("signature", "@@@")));
    CHECK(refused_json(with("data", 42)));
    CHECK(refused_json(with("keys", "not a map")));
    CHECK(refused_json(with("sender", std::string(100000, 'a') + "@x")));
    CHECK(refused_json(with("data", std::string(32 << 20, 'A'))));
    // Malformed JSON.
    const auto text = *codec::json::python_dumps(good);
    for (std::size_t cut : {std::size_t{0}, std::size_t{1}, text.size() / 2, text.size() - 1})
        CHECK(refused(text.substr(0, cut)));
    CHECK(refused("[]"));
    CHECK(refused("{\"sender\": \"" + std::string(1, '\xff') + "\"}"));
    // And the genuine message still reads afterwards.
    CHECK(m.unpack_text(text));
}
