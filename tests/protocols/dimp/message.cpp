#include <e2ekit/protocols/dimp/message.hpp>

#include <catch2/catch.hpp>

#include <tests/support/dimp_vectors.hpp>

#include <string>

using namespace e2ekit;
namespace dimp = e2ekit::protocols::dimp;
using dimp::dimp_error;
namespace tv = e2ekit::test::dimp;

namespace {
void check_layers(const nlohmann::ordered_json& p, int& n) {
    INFO(p.at("label").get<std::string>());
    auto instant = dimp::instant_message::parse(p.at("instant_message"));
    REQUIRE(instant);
    CHECK(instant->head().sender.str() == p.at("sender").get<std::string>());
    CHECK(instant->head().receiver.str() == p.at("receiver").get<std::string>());
    CHECK(instant->to_json() == p.at("instant_message"));
    auto secure = dimp::secure_message::parse(p.at("secure_message"));
    REQUIRE(secure);
    CHECK(secure->to_json() == p.at("secure_message"));
    CHECK(secure->head().type == std::optional<std::string>(instant->body().type()));
    CHECK(secure->is_broadcast() == instant->head().is_broadcast());
    if (!secure->is_broadcast()) {
        CHECK(codec::base64::encode(*secure->iv()) == p.at("iv_base64").get<std::string>());
        CHECK(codec::base64::encode(secure->data()) == secure->data_text());
    } else {
        CHECK_FALSE(secure->iv());
        CHECK(as_chars(secure->data()) == secure->data_text());
    }
    auto reliable = dimp::reliable_message::parse(p.at("reliable_message"));
    REQUIRE(reliable);
    CHECK(codec::base64::encode(reliable->signature()) ==
          p.at("reliable_message").at("signature").get<std::string>());
    // Written as CPython writes it, the text reads back the same.
    auto text = reliable->serialize();
    REQUIRE(text);
    auto again = dimp::reliable_message::parse_text(*text);
    REQUIRE(again);
    CHECK(again->data() == reliable->data());
    ++n;
}
} // namespace

TEST_CASE("dimp message: every layer of messages.json and group.json",
          "[protocols][dimp][message][vectors]") {
    E2EKIT_REQUIRE_VECTORS();
    int n = 0;
    const auto messages = tv::load_ordered("messages.json");
    for (const auto& p : messages.at("pipelines"))
        check_layers(p, n);
    const auto group = tv::load_ordered("group.json");
    check_layers(group.at("group_message"), n);
    for (const auto& p : group.at("hidden_group_messages"))
        check_layers(p, n);
    CHECK(n == 10);
    for (const auto& s : group.at("split")) {
        auto a = dimp::reliable_message::parse(s.at("split_message"));
        auto b = dimp::reliable_message::parse(s.at("split_message_legacy_key_field"));
        REQUIRE(a);
        REQUIRE(b);
        auto member = dimp::id::parse(s.at("member").get<std::string>());
        CHECK(*a->encrypted_key_for(*member) == *b->encrypted_key_for(*member));
        CHECK(a->head().group->is_group());
    }
}

TEST_CASE("dimp message: meta and visa ride along and validate",
          "[protocols][dimp][message][vectors]") {
    E2EKIT_REQUIRE_VECTORS();
    const auto messages = tv::load_ordered("messages.json");
    const auto& p =
        tv::by(messages.at("pipelines"), "label", "bob_to_carol_with_meta_and_visa_attached");
    auto msg = dimp::reliable_message::parse(p.at("reliable_message"));
    REQUIRE(msg);
    auto m = msg->attached_meta();
    REQUIRE(m);
    REQUIRE(m->has_value());
    CHECK((*m)->match(msg->head().sender));
    auto v = msg->attached_visa();
    REQUIRE(v);
    REQUIRE(v->has_value());
    CHECK((*v)->verify_for(msg->head().sender, **m));
    // Attaching them to an instant message puts them where the reference has them.
    auto instant = dimp::instant_message::parse(p.at("instant_message"));
    REQUIRE(instant);
    auto bare_json = p.at("instant_message");
    bare_json.erase("meta");
    bare_json.erase("visa");
    auto bare = dimp::instant_message::parse(bare_json);
    REQUIRE(bare);
    bare->attach_meta(**m);
    bare->attach_visa(**v);
    CHECK(nlohmann::json(bare->to_json()) == nlohmann::json(instant->to_json()));
    // A forged meta is refused when read.
    auto forged = p.at("reliable_message");
    forged["meta"]["seed"] = "mallory";
    CHECK(dimp::reliable_message::parse(forged)->attached_meta().error() ==
          dimp_error::authentication_failed);
    // No meta: nothing.
    auto plain = dimp::reliable_message::parse(
        tv::by(messages.at("pipelines"), "label", "bob_to_carol_text_rsa_signed_visa_key")
            .at("reliable_message"));
    CHECK_FALSE(plain->attached_meta()->has_value());
    CHECK_FALSE(plain->attached_visa()->has_value());
}

TEST_CASE("dimp message: contents with short names and integer types",
          "[protocols][dimp][message]") {
    auto c = dimp::content::parse(nlohmann::json{{"T", 1}, {"N", 7}, {"W", 1.5}, {"text", "hi"}});
    REQUIRE(c);
    CHECK(c->type() == "1");
    CHECK(c->map().at("sn") == 7);
    CHECK(c->map().at("time") == 1.5);
    CHECK(dimp::content::parse(nlohmann::json{{"T", 1}, {"type", "1"}}).error() ==
          codec::decode_error::duplicate_field);
    CHECK(dimp::content::parse(nlohmann::json{{"text", "hi"}}).error() ==
          codec::decode_error::missing_field);
    CHECK(dimp::content::parse(nlohmann::json{{"type", 1.5}}).error() ==
          codec::decode_error::unexpected_type);
    CHECK(dimp::content::parse(nlohmann::json{{"type", "1"}, {"group", "x@y"}}).error() ==
          dimp_error::invalid_address);
    auto g = dimp::content::parse(
        nlohmann::json{{"type", "1"}, {"G", "test-group@o2dTQGBj9Y27HqeXbm9Jc7LS68ho6YADX"}});
    REQUIRE(g);
    CHECK(g->group()->is_group());
    const auto alice = *dimp::id::parse("alice@17K4BBPXutyU3XGHJUzsWsESkzA6uZoiWZ");
    auto i = dimp::instant_message::create(alice, dimp::id::anyone(), 1714000000.5,
                                           {{"type", "1"}, {"text", "x"}});
    REQUIRE(i);
    CHECK(i->head().is_broadcast());
    CHECK(
        *codec::json::python_dumps(i->to_json()) ==
        R"({"sender": "alice@17K4BBPXutyU3XGHJUzsWsESkzA6uZoiWZ", "receiver": "anyone@anywhere", )"
        R"("time": 1714000000.5, "content": {"type": "1", "text": "x"}})");
    CHECK(dimp::instant_message::create(alice, alice, 1, {{"text", "x"}}).error() ==
          codec::decode_error::missing_field);
}
