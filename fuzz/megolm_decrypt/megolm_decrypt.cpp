// Fuzzes Megolm's parsers and decrypt path (protocols/megolm/): the first
// byte picks what the rest is: a group message decrypted by a live inbound
// session (from a fixed outbound session's key), a session key or export,
// or a stored inbound / outbound session. Refusals are typed and leave the
// session unchanged; a message decrypts only if the fixed sender made it
// (its plaintext and index are then the sender's); a stored form that
// parses writes back the same bytes; a key that parses exports itself.
// Seeds: E2EKIT_FUZZ_SEEDS_OUT=<dir> replay_megolm_decrypt /dev/null writes
// them (genuine messages, keys and stored forms, and broken ones).
#include <e2ekit/protocols/megolm/session.hpp>

#include <e2ekit/core/random.hpp>

#include <fuzz/support/seeds.hpp>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

using namespace e2ekit;
namespace mg = e2ekit::protocols::megolm;

namespace {

void require(bool ok) {
    if (!ok) std::abort();
}

struct world {
    mg::outbound_session out;
    mg::inbound_session in;
    std::vector<bytes> sent;
    world() {
        testing::deterministic_random rng(1);
        out = mg::create_outbound(rng);
        in = mg::create_inbound(mg::session_key(out).view()).value();
        for (int i = 0; i < 4; ++i) {
            auto [next, m] = mg::encrypt(out, as_bytes("m" + std::to_string(i))).split();
            out = std::move(next);
            sent.push_back(std::move(m));
        }
    }
};

const world& the_world() {
    static const world w;
    return w;
}

void write_seed(const std::string& dir, const std::string& name, byte kind, bytes_view body) {
    std::ofstream f(dir + "/" + name, std::ios::binary);
    f.put(static_cast<char>(kind));
    f.write(reinterpret_cast<const char*>(body.data()), static_cast<std::streamsize>(body.size()));
}

void write_seeds(const std::string& dir) {
    const world& w = the_world();
    for (std::size_t i = 0; i < w.sent.size(); ++i)
        write_seed(dir, "message_" + std::to_string(i), 0, w.sent[i]);
    auto cut = w.sent[1];
    cut.resize(cut.size() / 2);
    write_seed(dir, "message_cut", 0, cut);
    auto flipped = w.sent[2];
    flipped[6] ^= 1;
    write_seed(dir, "message_flipped", 0, flipped);
    write_seed(dir, "session_key", 1, mg::session_key(w.out).view());
    write_seed(dir, "export", 1, mg::export_at(w.in, 2).value().view());
    write_seed(dir, "stored_inbound", 2, mg::serialize(w.in).view());
    write_seed(dir, "stored_outbound", 3, mg::serialize(w.out).view());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    e2ekit::fuzz::write_seeds_once([](const char* dir) { write_seeds(dir); });
    if (size == 0) return 0;
    const bytes_view in(data + 1, size - 1);
    const world& w = the_world();
    switch (data[0] % 4) {
    case 0: {
        const auto before = mg::serialize(w.in);
        auto r = mg::decrypt(w.in, in);
        require(ct::equal(mg::serialize(w.in).view(), before.view()));
        if (r) {
            const auto d = std::move(*r).release();
            require(d.index < w.sent.size());
            require(std::string(as_chars(d.plaintext.view())) == "m" + std::to_string(d.index));
        }
        break;
    }
    case 1: {
        auto s = mg::create_inbound(in);
        if (s && !s->verified) {
            auto e = mg::export_at(*s, s->first_known_index());
            require(e && equal_public(e->view(), in));
        }
        break;
    }
    case 2: {
        auto s = mg::parse_inbound(in);
        if (s) require(equal_public(mg::serialize(*s).view(), in));
        break;
    }
    default: {
        auto s = mg::parse_outbound(in);
        if (s) require(equal_public(mg::serialize(*s).view(), in));
        break;
    }
    }
    return 0;
}
