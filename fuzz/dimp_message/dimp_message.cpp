// DIMP messages on attacker text: every input is read as a reliable, a
// secure and an instant message; what parses is verified and decrypted as
// alice and as bob of fixture.hpp.
//
// - A refusal is a typed error of the DIMP layer or the codec, never an
//   exception or a crash; parsing never says `authentication_failed`.
// - A reliable message that parses, written as CPython writes it
//   (serialize), reads back to the same map, data and signature.
// - A signature verifies under a user's key only over data that user
//   signed (the fixture's genuine messages): ECDSA's s <-> n - s twin is the
//   one other form of a genuine signature, and it covers the same data.
// - Decryption fails only with `no_key`, `invalid_message` or the one
//   `authentication_failed`; a content it yields is a JSON object that
//   json.dumps can write. A group message splits for bob into messages
//   whose signature still holds exactly when the original's does.
//
// Seeds: E2EKIT_FUZZ_SEEDS_OUT=<dir> replay_dimp_message /dev/null writes
// them (the fixture's genuine messages in long and short field names, and
// malformed variants).
#include <fuzz/dimp_message/fixture.hpp>

#include <cstdint>
#include <string>
#include <string_view>

using namespace e2ekit;
using namespace e2ekit::fuzz_dimp;
using dimp::dimp_error;

namespace {

void check_verify(const world& w, const dimp::reliable_message& r) {
    for (const user* u : {&w.alice, &w.bob}) {
        const dimp::public_key* keys[] = {&u->meta.key()};
        const auto& signed_set = u == &w.alice ? w.signed_by_alice : w.signed_by_bob;
        auto v = dimp::verify_message(r, keys);
        if (v) {
            require(signed_set.count(r.data()) == 1);
            require(v->data() == r.data());
        } else {
            require(v.error() == dimp_error::authentication_failed);
        }
        auto full = dimp::verify_message(r, u->meta, u->visa ? &*u->visa : nullptr);
        if (full) {
            require(r.head().sender == u->id);
            require(signed_set.count(r.data()) == 1);
        } else {
            require(full.error() == dimp_error::authentication_failed ||
                    full.error() == dimp_error::id_mismatch);
        }
    }
}

void check_decrypt(const world& w, const dimp::secure_message& s) {
    for (const user* u : {&w.alice, &w.bob}) {
        const auto keys = u->decrypt_keys();
        for (const dimp::symmetric_key* cached : {static_cast<const dimp::symmetric_key*>(nullptr),
                                                  &w.alice_to_bob, &w.alice_to_group}) {
            auto o = dimp::decrypt_message(s, u->id, keys, cached);
            if (!o) {
                require(o.error() == dimp_error::no_key ||
                        o.error() == dimp_error::invalid_message ||
                        o.error() == dimp_error::authentication_failed);
                continue;
            }
            require(o->message.content_map().is_object());
            require(codec::json::python_dumps(o->message.content_map()).has_value());
        }
    }
}

void check_reliable(const world& w, const dimp::reliable_message& r) {
    // Written as the reference writes it, read back the same.
    auto text = r.serialize();
    require(text.has_value());
    if (text->size() <= dimp::message_limits{}.json.max_size) {
        auto again = dimp::reliable_message::parse_text(*text);
        require(again.has_value());
        // Short names come back long, so compare the maps, not their order.
        require(nlohmann::json(again->to_json()) == nlohmann::json(r.to_json()));
        require(again->data() == r.data());
        require(equal_public(again->signature(), r.signature()));
    }
    check_verify(w, r);
    check_decrypt(w, r);
    if (r.head().receiver.is_group()) {
        auto split = r.split_for(w.bob.id);
        if (split) {
            require(split->head().receiver == w.bob.id);
            require(split->data() == r.data());
            const dimp::public_key* keys[] = {&w.alice.meta.key()};
            require(dimp::verify_message(*split, keys).has_value() ==
                    dimp::verify_message(r, keys).has_value());
            check_decrypt(w, *split);
        } else {
            require(split.error() == dimp_error::no_key ||
                    split.error() == dimp_error::invalid_message || typed(split.error()));
        }
    }
    (void)r.attached_meta();
    (void)r.attached_visa();
}

// --- seeds -------------------------------------------------------------------

/// The map with every field that has one under its short name.
nlohmann::ordered_json shortened(const nlohmann::ordered_json& m) {
    static const std::pair<const char*, const char*> names[] = {
        {"sender", "F"}, {"receiver", "R"}, {"time", "W"},      {"type", "T"},
        {"group", "G"},  {"data", "D"},     {"signature", "V"}, {"meta", "M"},
        {"visa", "P"},   {"keys", "K"},     {"key", "K"}};
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    for (auto it = m.begin(); it != m.end(); ++it) {
        std::string k = it.key();
        for (const auto& [l, s] : names)
            if (k == l) k = s;
        out[k] = it.value();
    }
    return out;
}

void make_seeds(auto&& put) {
    static const world w;
    auto dump = [](const nlohmann::ordered_json& j) { return *codec::json::python_dumps(j); };
    for (const auto& [name, msg] : w.messages) {
        // Genuine: each verifies for its sender, and opens for bob where it
        // is addressed to him (or to everyone).
        const user* from = w.user_of(msg.head().sender);
        require(from && dimp::verify_message(msg, from->meta, &*from->visa).has_value());
        if (msg.is_broadcast() || msg.head().receiver == w.bob.id || msg.head().receiver == w.group)
            require(dimp::decrypt_message(msg, w.bob.id, w.bob.decrypt_keys(), &w.alice_to_bob)
                        .has_value());
        put(name, dump(msg.to_json()));
        put(name + "_short", dump(shortened(msg.to_json())));
    }
    const auto& m = w.messages.front().second.to_json();
    auto with = [&](const char* field, nlohmann::ordered_json v) {
        auto j = m;
        if (v.is_null())
            j.erase(field);
        else
            j[field] = std::move(v);
        return dump(j);
    };
    put("no_signature", with("signature", nullptr));
    put("no_data", with("data", nullptr));
    put("data_not_base64", with("data", "%%%%"));
    put("iv_short", with("IV", "AAAA"));
    put("keys_string", with("keys", "x"));
    put("keys_wrong_entry", with("keys", {{w.bob.id.str(), 7}}));
    put("type_int", with("type", 1));
    put("time_string", with("time", "now"));
    put("receiver_bad", with("receiver", "bob@nowhere"));
    put("group_field", with("group", w.group.str()));
    put("meta_forged", with("meta", {{"type", "1"}, {"seed", "x"}, {"fingerprint", "AA=="}}));
    const std::string text = dump(m);
    put("truncated", text.substr(0, text.size() / 2));
    put("trailing", text + "x");
    put("duplicate", "{\"data\": \"AA==\", \"data\": \"AA==\"}");
    put("deep", std::string(40, '[') + std::string(40, ']'));
    put("empty", "");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    write_seeds_if_asked([](auto&& put) { make_seeds(put); });
    static const world w;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto j = codec::json::parse(text, dimp::message_limits{}.json);
    if (!j) {
        require(j.error().category() == category_of<codec::decode_error>());
        return 0;
    }
    auto r = dimp::reliable_message::parse(*j);
    if (r)
        check_reliable(w, *r);
    else
        require(typed(r.error()) && r.error() != dimp_error::authentication_failed);
    auto s = dimp::secure_message::parse(*j);
    if (s)
        check_decrypt(w, *s);
    else
        require(typed(s.error()) && s.error() != dimp_error::authentication_failed);
    auto i = dimp::instant_message::parse(*j);
    if (!i) require(typed(i.error()));
    return 0;
}
