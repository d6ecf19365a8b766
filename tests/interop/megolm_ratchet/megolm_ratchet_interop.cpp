// e2ekit's Megolm ratchet (ratchet/megolm.hpp) against libolm 3.2's: libolm
// makes an outbound session; its session key (index 0) is taken apart here,
// advanced by e2ekit step by step and by jumps, and each state compared
// with libolm's own export of an inbound session at that index, across
// every part boundary up to 2^31 - 1. The message keys at an index must
// decrypt libolm's group message of that index.
#include <e2ekit/protocols/megolm/params.hpp>

#include <e2ekit/codec/base64.hpp>
#include <e2ekit/core/random.hpp>
#include <e2ekit/crypto/aes_cbc.hpp>

#include <olm/inbound_group_session.h>
#include <olm/olm.h>
#include <olm/outbound_group_session.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using namespace e2ekit;
using mr = protocols::megolm::ratchet_type;

namespace {

int failures = 0;
void expect(bool ok, const char* what, std::uint32_t index) {
    if (!ok) {
        std::fprintf(stderr, "index %u: %s\n", index, what);
        ++failures;
    }
}

bytes unb64(const std::string& s) {
    auto b = codec::base64::decode<codec::base64::standard_unpadded>(s);
    if (!b) std::exit(2);
    return std::move(*b);
}

void check(std::size_t r) {
    if (r == olm_error()) {
        std::fputs("libolm call failed\n", stderr);
        std::exit(2);
    }
}

} // namespace

int main() {
    const char* seed = std::getenv("E2EKIT_SEED");
    testing::deterministic_random rng(seed ? std::strtoull(seed, nullptr, 10) : 20);
    std::vector<std::uint8_t> om(olm_outbound_group_session_size());
    OlmOutboundGroupSession* out = olm_outbound_group_session(om.data());
    std::vector<std::uint8_t> r(olm_init_outbound_group_session_random_length(out));
    rng.fill(r);
    check(olm_init_outbound_group_session(out, r.data(), r.size()));
    std::string key(olm_outbound_group_session_key_length(out), '\0');
    check(olm_outbound_group_session_key(out, reinterpret_cast<std::uint8_t*>(key.data()),
                                         key.size()));
    std::vector<std::uint8_t> im(olm_inbound_group_session_size());
    OlmInboundGroupSession* in = olm_inbound_group_session(im.data());
    check(olm_init_inbound_group_session(in, reinterpret_cast<const std::uint8_t*>(key.data()),
                                         key.size()));
    const bytes raw = unb64(key); // 0x02 | index u32 | ratchet 128 | key 32 | signature 64
    mr::state s0;
    std::copy(raw.begin() + 5, raw.begin() + 133, s0.data.mutable_view().data());

    auto libolm_at = [&](std::uint32_t index) {
        std::string e(olm_export_inbound_group_session_length(in), '\0');
        check(olm_export_inbound_group_session(in, reinterpret_cast<std::uint8_t*>(e.data()),
                                               e.size(), index));
        return unb64(e); // 0x01 | index u32 | ratchet 128 | key 32
    };
    auto same = [&](const mr::state& s, std::uint32_t index) {
        const bytes e = libolm_at(index);
        return s.counter == index && std::equal(e.begin() + 5, e.begin() + 133, s.data.data());
    };

    // Step by step over two part-2 boundaries.
    auto step = s0.clone();
    for (std::uint32_t i = 1; i <= 520; ++i) {
        step = mr::next(step);
        expect(same(step, i), "step", i);
    }
    // Jumps, and jumps from jumps.
    for (std::uint32_t target :
         {0u, 1u, 255u, 256u, 257u, 65535u, 65536u, 65537u, 70000u, 1u << 20, (1u << 24) - 1,
          1u << 24, (1u << 24) + 300, (1u << 30) + 12345, 0x7fffffffu}) {
        expect(same(mr::advanced_to(s0, target), target), "jump", target);
        expect(same(mr::advanced_to(mr::advanced_to(s0, target / 3), target), target), "two jumps",
               target);
    }

    // The keys at an index open libolm's message of that index:
    // 0x03 | 0x08 index | 0x12 len ciphertext | MAC 8 | signature 64.
    for (std::uint32_t i = 0; i < 5; ++i) {
        const std::string pt = "message " + std::to_string(i);
        std::string m(olm_group_encrypt_message_length(out, pt.size()), '\0');
        check(olm_group_encrypt(out, reinterpret_cast<const std::uint8_t*>(pt.data()), pt.size(),
                                reinterpret_cast<std::uint8_t*>(m.data()), m.size()));
        const bytes wire = unb64(m);
        // One-byte varints at these sizes: index at [2], length at [4].
        const std::size_t len = wire[4];
        const bytes_view ct(wire.data() + 5, len);
        const auto keys = mr::keys(mr::advanced_to(s0, i));
        auto opened = crypto::aes_256_cbc::decrypt(keys.cipher_key(), keys.iv(), ct);
        expect(wire[2] == i && opened && std::string(as_chars(opened->view())) == pt, "keys", i);
    }

    if (failures) {
        std::fprintf(stderr, "%d failures\n", failures);
        return 1;
    }
    std::puts("megolm ratchet: e2ekit's states equal libolm's at every index checked");
    return 0;
}
