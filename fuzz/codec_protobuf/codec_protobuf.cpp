// Protobuf: the reader never throws or reads out of bounds, fields it
// yields re-encode to something it reads back identically, and described
// decoding is a left inverse of described encoding.
#include <e2ekit/codec/protobuf.hpp>
#include <e2ekit/codec/protobuf_message.hpp>

#include <tests/support/codec_messages.hpp>

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

using namespace e2ekit;
namespace pb = e2ekit::codec::protobuf;

namespace fz {
using test::sample::signal_message;

struct envelope {
    std::uint64_t id = 0;
    std::optional<signal_message> inner;
    std::vector<bytes> keys;
    std::vector<envelope> children;
    std::optional<bool> flag;
    std::optional<std::string> note;
    std::vector<std::uint32_t> counters;
    byte_array<4> tag{};
    friend bool operator==(const envelope&, const envelope&) = default;
    friend constexpr auto describe(codec::tag<envelope>) {
        using namespace codec;
        using E = envelope;
        return fields(
            field<1, kind::uint64>("id", &E::id), field<2, kind::message>("inner", &E::inner),
            field<3, kind::repeated<kind::bytes>>("keys", &E::keys),
            field<4, kind::repeated<kind::message>>("children", &E::children),
            field<5, kind::boolean>("flag", &E::flag), field<7, kind::string>("note", &E::note),
            field<8, kind::repeated<kind::uint32>>("counters", &E::counters),
            field<9, kind::bytes>("tag", &E::tag));
    }
};
} // namespace fz

namespace {
template <class T>
void check_described(bytes_view in) {
    const auto x = pb::decode<T>(in);
    if (!x) return;
    const auto e = pb::encode(*x);
    if (pb::encoded_size(*x) != e.size()) std::abort();
    const auto y = pb::decode<T>(e);
    if (!y || !(*y == *x)) std::abort();
    if (pb::encode(*y) != e) std::abort();
    bytes buf(e.size());
    if (!equal_public(pb::encode_to(buf, *x), e)) std::abort();
}

std::vector<pb::field> read_all(bytes_view in, bool& ok) {
    std::vector<pb::field> out;
    pb::reader r(in);
    pb::field f;
    for (;;) {
        auto more = r.next(f);
        if (!more) {
            ok = false;
            return out;
        }
        if (!*more) break;
        if (f.type == pb::wire_type::length_delimited &&
            (f.data.data() < in.data() || f.data.data() + f.data.size() > in.data() + in.size()))
            std::abort();
        out.push_back(f);
    }
    ok = true;
    return out;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const bytes_view in(data, size);
    bool ok = false;
    const auto fields = read_all(in, ok);
    if (ok) {
        bytes out;
        pb::writer w{pb::vector_sink(out)};
        for (const auto& f : fields) {
            switch (f.type) {
            case pb::wire_type::varint: w.add_uint64(f.number, f.value); break;
            case pb::wire_type::fixed32:
                w.add_fixed32(f.number, static_cast<std::uint32_t>(f.value));
                break;
            case pb::wire_type::fixed64: w.add_fixed64(f.number, f.value); break;
            case pb::wire_type::length_delimited: w.add_bytes(f.number, f.data); break;
            }
        }
        // Re-encoding only shortens non-minimal varints.
        if (out.size() > size) std::abort();
        bool ok2 = false;
        const auto again = read_all(out, ok2);
        if (!ok2 || again.size() != fields.size()) std::abort();
        for (std::size_t i = 0; i < again.size(); ++i)
            if (again[i].number != fields[i].number || again[i].type != fields[i].type ||
                again[i].value != fields[i].value || !equal_public(again[i].data, fields[i].data))
                std::abort();
    }
    check_described<fz::signal_message>(in);
    check_described<fz::envelope>(in);
    return 0;
}
