// libolm 3.2 as an interop peer: one JSON request per line on stdin, one
// reply per line on stdout (see PROTOCOL.md beside this file). Keys and
// messages travel as libolm's own API gives them: unpadded base64. Its
// randomness comes from a seeded generator (argv[1]) so a run replays.
#include <olm/olm.h>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

using json = nlohmann::json;

namespace {

std::mt19937_64 rng;

std::vector<std::uint8_t> random_bytes(std::size_t n) {
    std::vector<std::uint8_t> out(n);
    for (auto& b : out)
        b = static_cast<std::uint8_t>(rng());
    return out;
}

struct olm_failure : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct account_box {
    std::vector<std::uint8_t> mem;
    OlmAccount* a = nullptr;
    account_box() : mem(olm_account_size()), a(olm_account(mem.data())) {}
    ~account_box() { olm_clear_account(a); }
    void check(std::size_t r) const {
        if (r == olm_error()) throw olm_failure(olm_account_last_error(a));
    }
};

struct session_box {
    std::vector<std::uint8_t> mem;
    OlmSession* s = nullptr;
    session_box() : mem(olm_session_size()), s(olm_session(mem.data())) {}
    ~session_box() { olm_clear_session(s); }
    void check(std::size_t r) const {
        if (r == olm_error()) throw olm_failure(olm_session_last_error(s));
    }
};

std::unique_ptr<account_box> account;
std::map<int, std::unique_ptr<session_box>> sessions;
int next_session = 1;

std::string get_json(std::size_t (*len)(OlmAccount const*),
                     std::size_t (*fn)(OlmAccount*, void*, std::size_t)) {
    std::string out(len(account->a), '\0');
    account->check(fn(account->a, out.data(), out.size()));
    return out;
}

session_box& session_of(const json& req) {
    auto it = sessions.find(req.at("session").get<int>());
    if (it == sessions.end()) throw olm_failure("no such session");
    return *it->second;
}

json handle(const json& req) {
    const std::string cmd = req.at("cmd");
    json r{{"ok", true}};
    if (cmd == "create_account") {
        account = std::make_unique<account_box>();
        auto rnd = random_bytes(olm_create_account_random_length(account->a));
        account->check(olm_create_account(account->a, rnd.data(), rnd.size()));
        r["identity_keys"] =
            json::parse(get_json(olm_account_identity_keys_length, olm_account_identity_keys));
    } else if (cmd == "generate_one_time_keys") {
        const std::size_t n = req.at("count");
        auto rnd = random_bytes(olm_account_generate_one_time_keys_random_length(account->a, n));
        account->check(olm_account_generate_one_time_keys(account->a, n, rnd.data(), rnd.size()));
        r["one_time_keys"] =
            json::parse(get_json(olm_account_one_time_keys_length, olm_account_one_time_keys));
        olm_account_mark_keys_as_published(account->a);
    } else if (cmd == "generate_fallback_key") {
        auto rnd = random_bytes(olm_account_generate_fallback_key_random_length(account->a));
        account->check(olm_account_generate_fallback_key(account->a, rnd.data(), rnd.size()));
        r["fallback_key"] = json::parse(get_json(olm_account_unpublished_fallback_key_length,
                                                 olm_account_unpublished_fallback_key));
        olm_account_mark_keys_as_published(account->a);
    } else if (cmd == "sign") {
        const std::string msg = req.at("message");
        std::string sig(olm_account_signature_length(account->a), '\0');
        account->check(
            olm_account_sign(account->a, msg.data(), msg.size(), sig.data(), sig.size()));
        r["signature"] = sig;
    } else if (cmd == "verify") {
        std::vector<std::uint8_t> umem(olm_utility_size());
        OlmUtility* u = olm_utility(umem.data());
        const std::string key = req.at("key");
        const std::string msg = req.at("message");
        std::string sig = req.at("signature");
        r["valid"] = olm_ed25519_verify(u, key.data(), key.size(), msg.data(), msg.size(),
                                        sig.data(), sig.size()) != olm_error();
        olm_clear_utility(u);
    } else if (cmd == "create_outbound") {
        auto s = std::make_unique<session_box>();
        const std::string ik = req.at("identity_key");
        const std::string otk = req.at("one_time_key");
        auto rnd = random_bytes(olm_create_outbound_session_random_length(s->s));
        s->check(olm_create_outbound_session(s->s, account->a, ik.data(), ik.size(), otk.data(),
                                             otk.size(), rnd.data(), rnd.size()));
        r["session"] = next_session;
        sessions[next_session++] = std::move(s);
    } else if (cmd == "create_inbound") {
        // olm_create_inbound_session_from, then decrypt, then remove the key
        // (what a Matrix client does with a pre-key message of a new peer).
        auto s = std::make_unique<session_box>();
        const std::string ik = req.at("identity_key");
        std::string body = req.at("body");
        std::string copy = body;
        s->check(olm_create_inbound_session_from(s->s, account->a, ik.data(), ik.size(),
                                                 copy.data(), copy.size()));
        copy = body;
        std::size_t max = olm_decrypt_max_plaintext_length(s->s, 0, copy.data(), copy.size());
        s->check(max);
        std::string pt(max, '\0');
        copy = body;
        std::size_t n = olm_decrypt(s->s, 0, copy.data(), copy.size(), pt.data(), pt.size());
        s->check(n);
        pt.resize(n);
        account->check(olm_remove_one_time_keys(account->a, s->s));
        r["plaintext"] = pt;
        r["session"] = next_session;
        sessions[next_session++] = std::move(s);
    } else if (cmd == "encrypt") {
        session_box& s = session_of(req);
        const std::string pt = req.at("plaintext");
        auto rnd = random_bytes(olm_encrypt_random_length(s.s));
        const std::size_t type = olm_encrypt_message_type(s.s);
        std::string out(olm_encrypt_message_length(s.s, pt.size()), '\0');
        s.check(
            olm_encrypt(s.s, pt.data(), pt.size(), rnd.data(), rnd.size(), out.data(), out.size()));
        r["type"] = type;
        r["body"] = out;
    } else if (cmd == "decrypt") {
        session_box& s = session_of(req);
        const std::size_t type = req.at("type");
        const std::string body = req.at("body");
        std::string copy = body;
        std::size_t max = olm_decrypt_max_plaintext_length(s.s, type, copy.data(), copy.size());
        if (max == olm_error()) return {{"ok", false}, {"error", olm_session_last_error(s.s)}};
        std::string pt(max, '\0');
        copy = body;
        std::size_t n = olm_decrypt(s.s, type, copy.data(), copy.size(), pt.data(), pt.size());
        if (n == olm_error()) return {{"ok", false}, {"error", olm_session_last_error(s.s)}};
        pt.resize(n);
        r["plaintext"] = pt;
    } else if (cmd == "matches_inbound") {
        session_box& s = session_of(req);
        std::string body = req.at("body");
        const std::string ik = req.value("identity_key", std::string());
        std::size_t m = ik.empty() ? olm_matches_inbound_session(s.s, body.data(), body.size())
                                   : olm_matches_inbound_session_from(s.s, ik.data(), ik.size(),
                                                                      body.data(), body.size());
        s.check(m);
        r["matches"] = m == 1;
    } else if (cmd == "session_id") {
        session_box& s = session_of(req);
        std::string id(olm_session_id_length(s.s), '\0');
        s.check(olm_session_id(s.s, id.data(), id.size()));
        r["id"] = id;
        r["has_received"] = olm_session_has_received_message(s.s) != 0;
    } else if (cmd == "quit") {
        r["bye"] = true;
    } else {
        return {{"ok", false}, {"error", "unknown command " + cmd}};
    }
    return r;
}

} // namespace

int main(int argc, char** argv) {
    rng.seed(argc > 1 ? std::stoull(argv[1]) : 1);
    std::string line;
    while (std::getline(std::cin, line)) {
        json reply;
        bool quit = false;
        try {
            const json req = json::parse(line);
            quit = req.value("cmd", "") == "quit";
            reply = handle(req);
        } catch (const std::exception& e) {
            reply = {{"ok", false}, {"error", e.what()}};
        }
        std::cout << reply.dump() << std::endl;
        if (quit) break;
    }
    return 0;
}
