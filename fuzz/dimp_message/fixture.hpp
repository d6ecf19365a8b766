// The DIMP fuzz harnesses' world: two users and a group, built the same
// way on every run (secp256k1 keys from a fixed seed, RSA keys below, RFC
// 6979 and PKCS#1 v1.5 signatures, AES keys and IVs from the seed), and the
// genuine messages and documents they exchange. Only the RSA encryption of
// message keys is randomised (by OpenSSL); everything a signature covers is
// the same from run to run, so seeds written once stay genuine.
//
// The RSA keys are test keys made for these harnesses (openssl genpkey,
// 1024 bits); they protect nothing.
#ifndef E2EKIT_FUZZ_DIMP_MESSAGE_FIXTURE_HPP
#define E2EKIT_FUZZ_DIMP_MESSAGE_FIXTURE_HPP

#include <e2ekit/codec/json.hpp>
#include <e2ekit/core/random.hpp>
#include <e2ekit/protocols/dimp/packer.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace e2ekit::fuzz_dimp {

namespace dimp = e2ekit::protocols::dimp;

inline void require(bool ok) {
    if (!ok) std::abort();
}

/// Errors the DIMP layer may give for bad input: its own or the codec's.
inline bool typed(const std::error_code& e) {
    return e && (e.category() == category_of<dimp::dimp_error>() ||
                 e.category() == category_of<codec::decode_error>());
}

inline constexpr const char* bob_rsa_pem = R"(-----BEGIN RSA PRIVATE KEY-----
MIICXQIBAAKBgQCp7uhJQQvk5AMaHaslj00aSnBpH8N+Q/MAf78YT8HSmauyfNYh
CZrt+Idu3QuwI4VobNCcYZvNwqxNHCwMYw+2sXEktNsMXJxFHjeHepRT26VWSz0b
P41zSrNU8WIax3OtYlpS4SwWFaw87z6wR6/SeEF/8sz7BW2rcdFiRsXGvwIDAQAB
AoGBAJEtBouWo4eveCr2j8Ft1IwSbkiRF12mxVJ20JX/hXHbUQESf4kIALEvMtz2
wUaAgje9Rtdi2E2H89WIrOUEOGYR+kSCGGhNF9duMuUktz9paWFbaEkmeWMbnPne
bcVrGOxelcq2wW1kX5MKhV5qtvIFihRE8aclUNyckZEn/vLZAkEA3B7r2o6P23wC
5j6VUYMc7cSreOYCPK53HWIikGFQJle0B3w66AO6+iBVSyGL4W28aRrVJwBwxW81
jB6PG+WvLQJBAMWhyZjjMDxW2rulEv3TMLw6SAdB5K1uGc5CFBcInGPWqiHrIe8S
CHo4pBDzndlllkBUnYgbJaZYcbra4mCFoRsCQGrqOfS2OfmJin769tvYqzxxwje+
wGdo9kI3YEJwgdWd07uvA42eAjtraQJNEPw1qMYEWnPPKvc6xO+CCFCshyECQD+z
ektxTybjx/UbrBdsbxT8pCLStmbASkkVO2yBNgdoNcZhB7sLUPg0MY3VOFfOSrPJ
kk1Aks4fS+kyjC0YZWkCQQC/n7dlZx46Y3YMxKqOVqo/vQGwKOH2t1smJHDCbKYV
xSKy0KBmmij8z9PpXCgZGMWQ0/QxPyccRmWh3b2aZU9s
-----END RSA PRIVATE KEY-----
)";

inline constexpr const char* alice_visa_rsa_pem = R"(-----BEGIN RSA PRIVATE KEY-----
MIICXQIBAAKBgQDMDygESV55ebGVF1Uyk1/5FiCrcMihurZLenVJmbGxtj8hd/gM
j7ACT6eat+8jQ71vPBe0N/G1ggiD00uZkQQ6SJff1JLDTBJEJifw/wbQ1sycoUwX
/U51PqhxinHMrzc8B8lEzxUgVYuwEr7Th8GJXeHrM/06KByh6vR8hTashQIDAQAB
AoGBALkE7QWl+JEv9AH4m/k1gwl4NLr9kgyCHJOnPv0y69j0I52XB0NsbOxLiO5R
4/QXkYVv+RYgu3oVot7UEHH2+Nq4JRES03kCVi4WhvhkG2TFMi7wchoSRT8HeEen
xQ7drlK6FgzpEwb9T9KgD8P+5oX1rFzcQbvh1sf/2UiPeJRpAkEA9jO5OzyQj9OV
Mnq/ZGRYhpH04sV1wdc+WFadTEu5s+rvhc6EpK/iFeRtG9I8D4OXdgDD6A+NjgI5
oQs61/mJmwJBANQuFi072aJ1q8lf10hviywJUUkDBorF/O87XruiTUAwbFoZiFOv
a8I4yrK9zgIcGKTcOQAgwFOcK4yoCaidlF8CQQDHL+WmtUNH+ah1pLV/5WdxyFhV
t+ejoh8AnWK5vXJKy8JpgUHzc5D4oUxc++Q3sQEzKT9WWm7t+4LgdhNvdKYNAkBk
iTXO1xYHKXRtZXEvjFLIWd3fF4TpCmkPvfTkOUIbURZ2FrUG2g7YJ2q8CL1tOHzg
2MxVaC9ZLp1f91skPw5HAkBTE/wvynadLgdiZnPCGhR00OlxHANgI0lK16iEguJf
JISQdrXcgOWkZOeC+l7raU1IHskCuOpyfKyajJ1a7ldg
-----END RSA PRIVATE KEY-----
)";

inline dimp::private_key rsa_key(const char* pem) {
    return dimp::private_key::from_json({{"algorithm", "RSA"}, {"data", pem}}).value();
}

struct user {
    dimp::private_key key; ///< the meta key
    std::optional<dimp::private_key> visa_key;
    dimp::meta meta;
    dimp::id id;
    std::optional<dimp::document> visa;

    /// The keys that decrypt messages to this user, visa key first.
    std::vector<const dimp::private_key*> decrypt_keys() const {
        std::vector<const dimp::private_key*> out;
        if (visa_key) out.push_back(&*visa_key);
        out.push_back(&key);
        return out;
    }
};

inline user make_user(dimp::private_key key, std::optional<dimp::private_key> visa_key,
                      std::string_view seed, std::uint8_t network) {
    auto meta = dimp::meta::generate(dimp::meta_type::mkm, key, seed).value();
    auto id = meta.generate_id(network).value();
    nlohmann::ordered_json props;
    props["type"] = "visa";
    props["created_time"] = 1714000000.0;
    props["name"] = std::string(seed);
    if (visa_key) props["key"] = nlohmann::ordered_json(visa_key->public_key().to_json());
    props["time"] = 1714000000.0;
    auto visa = dimp::document::sign("visa", id, props, key).value();
    return user{std::move(key), std::move(visa_key), std::move(meta), std::move(id),
                std::move(visa)};
}

struct world {
    testing::deterministic_random rng{20240425};
    user alice = make_user(dimp::private_key::generate_ecc(rng), rsa_key(alice_visa_rsa_pem),
                           "alice", dimp::entity::user);
    user bob = make_user(rsa_key(bob_rsa_pem), std::nullopt, "bob", dimp::entity::user);
    dimp::meta group_meta =
        dimp::meta::generate(dimp::meta_type::mkm, alice.key, "fuzz-group").value();
    dimp::id group = group_meta.generate_id(dimp::entity::group).value();
    std::optional<dimp::document> bulletin;
    dimp::symmetric_key alice_to_bob = dimp::symmetric_key::generate_aes(rng);
    dimp::symmetric_key bob_to_alice = dimp::symmetric_key::generate_aes(rng);
    dimp::symmetric_key alice_to_group = dimp::symmetric_key::generate_aes(rng);

    /// Genuine messages, by name.
    std::vector<std::pair<std::string, dimp::reliable_message>> messages;
    /// What each user ever signed as message data, and as document data.
    std::set<bytes> signed_by_alice, signed_by_bob;

    world() {
        nlohmann::ordered_json props;
        props["type"] = "bulletin";
        props["created_time"] = 1714000000.0;
        props["name"] = "Fuzz Group";
        props["founder"] = alice.id.str();
        props["time"] = 1714000000.0;
        bulletin.emplace(dimp::document::sign("bulletin", group, props, alice.key).value());
        signed_by_alice.insert(to_bytes(as_bytes(alice.visa->data())));
        signed_by_alice.insert(to_bytes(as_bytes(bulletin->data())));
        signed_by_bob.insert(to_bytes(as_bytes(bob.visa->data())));

        const auto bob_key = dimp::encryption_key_of(bob.meta, &*bob.visa).value();
        const auto alice_key = dimp::encryption_key_of(alice.meta, &*alice.visa).value();
        const dimp::key_recipient to_bob[] = {{bob.id, &bob_key}};
        const dimp::key_recipient to_alice[] = {{alice.id, &alice_key}};
        const dimp::key_recipient to_group[] = {{alice.id, &alice_key}, {bob.id, &bob_key}};

        add("alice_to_bob", text(alice.id, bob.id, 1714000100.5, 1, "Hello, Bob! \u4f60\u597d"),
            alice, alice_to_bob, to_bob);
        auto with_docs = text(bob.id, alice.id, 1714000200.0, 2, "Hi Alice, my meta and visa");
        with_docs.attach_meta(bob.meta);
        with_docs.attach_visa(*bob.visa);
        add("bob_to_alice_with_meta_visa", std::move(with_docs), bob, bob_to_alice, to_alice);
        nlohmann::ordered_json gc;
        gc["type"] = "1";
        gc["sn"] = 3;
        gc["time"] = 1714000300.0;
        gc["group"] = group.str();
        gc["text"] = "hello group";
        add("alice_to_group",
            dimp::instant_message::create(alice.id, group, 1714000300.0, gc).value(), alice,
            alice_to_group, to_group);
        const auto& g = messages.back().second;
        messages.emplace_back("split_for_bob", g.split_for(bob.id).value());
        messages.emplace_back("split_for_bob_legacy", g.split_for(bob.id, true).value());
        add("alice_broadcast",
            text(alice.id, dimp::id::anyone(), 1714000400.0, 4, "hello everyone"), alice,
            dimp::symmetric_key::plain(), {});
        auto again = text(alice.id, bob.id, 1714000500.0, 5, "same key, no keys");
        add("alice_to_bob_no_keys", std::move(again), alice, alice_to_bob, {}, false);
        nlohmann::ordered_json cmd;
        cmd["type"] = "136";
        cmd["sn"] = 6;
        cmd["time"] = 1714000600.0;
        cmd["command"] = "meta";
        cmd["did"] = alice.id.str();
        cmd["meta"] = alice.meta.to_json();
        add("alice_meta_command",
            dimp::instant_message::create(alice.id, bob.id, 1714000600.0, cmd).value(), alice,
            alice_to_bob, to_bob);
    }

    static dimp::instant_message text(const dimp::id& from, const dimp::id& to, double time, int sn,
                                      const std::string& words) {
        nlohmann::ordered_json c;
        c["type"] = "1";
        c["sn"] = sn;
        c["time"] = time;
        c["text"] = words;
        return dimp::instant_message::create(from, to, time, c).value();
    }

    void add(const std::string& name, const dimp::instant_message& msg, const user& from,
             const dimp::symmetric_key& key, std::span<const dimp::key_recipient> to,
             bool attach_keys = true) {
        auto secure = key.is_plain() ? dimp::encrypt_message(msg, key, {}, {})
                                     : dimp::encrypt_message(msg, key, rng, to, attach_keys);
        auto reliable = dimp::sign_message(secure.value(), from.key).value();
        (&from == &alice ? signed_by_alice : signed_by_bob).insert(reliable.data());
        messages.emplace_back(name, std::move(reliable));
    }

    const user* user_of(const dimp::id& id) const {
        if (id == alice.id) return &alice;
        if (id == bob.id) return &bob;
        return nullptr;
    }
};

/// E2EKIT_FUZZ_SEEDS_OUT=<dir> replay_<target> /dev/null: `make(put)`
/// writes the seeds, then the process ends.
template <class Make>
void write_seeds_if_asked(Make&& make) {
    const char* out = std::getenv("E2EKIT_FUZZ_SEEDS_OUT");
    if (!out) return;
    std::filesystem::create_directories(out);
    std::size_t n = 0;
    make([&](const std::string& name, std::string_view data) {
        std::ofstream f(std::filesystem::path(out) / name, std::ios::binary | std::ios::trunc);
        f.write(data.data(), static_cast<std::streamsize>(data.size()));
        require(static_cast<bool>(f));
        ++n;
    });
    std::printf("wrote %zu seeds to %s\n", n, out);
    std::exit(0);
}

} // namespace e2ekit::fuzz_dimp

#endif
