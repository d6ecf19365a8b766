// Bodies of e2ekit/codec/protobuf.hpp.
#ifndef E2EKIT_CODEC_IMPL_PROTOBUF_HPP
#define E2EKIT_CODEC_IMPL_PROTOBUF_HPP

namespace e2ekit::codec::protobuf {
namespace detail {

/// protozero::data_view as our byte view.
inline bytes_view view_of(protozero::data_view d) noexcept {
    return {reinterpret_cast<const byte*>(d.data()), d.size()};
}

/// One varint at in[pos...], strictly; 0 (no error) and pos advanced, or
/// the reason it is refused.
inline decode_error parse_varint(bytes_view in, std::size_t& pos, std::uint64_t& v) noexcept {
    v = 0;
    for (std::size_t i = 0; i < 10; ++i) {
        if (pos + i >= in.size()) return decode_error::truncated;
        const byte b = in[pos + i];
        // The 10th byte carries bit 63 only.
        if (i == 9 && b > 1) return decode_error::bad_varint;
        v |= std::uint64_t{b & 0x7Fu} << (7 * i);
        if (!(b & 0x80)) {
            pos += i + 1;
            return decode_error{};
        }
    }
    return decode_error::bad_varint;
}

} // namespace detail

inline result<std::uint64_t> read_varint(bytes_view in, std::size_t& pos) noexcept {
    std::uint64_t v;
    if (const auto e = detail::parse_varint(in, pos, v); e != decode_error{}) return e;
    return v;
}

inline result<bool> reader::next(field& out) noexcept {
    if (error_ != decode_error{}) return error_;
    if (!r_) return false;
    try {
        // Checked here because protozero would truncate the key to 32 bits.
        const bytes_view rest = remaining();
        std::size_t pos = 0;
        std::uint64_t key;
        if (const auto e = detail::parse_varint(rest, pos, key); e != decode_error{})
            return fail(e);
        const std::uint64_t number = key >> 3;
        const auto type = static_cast<unsigned>(key & 7);
        if (key > 0xFFFFFFFFu || number == 0 || (number >= 19000 && number <= 19999))
            return fail(decode_error::bad_tag);
        if (type != 0 && type != 1 && type != 2 && type != 5) return fail(decode_error::bad_tag);

        // Value bounds, checked before protozero consumes it.
        if (type == 0 || type == 2) {
            std::size_t vpos = pos;
            std::uint64_t v;
            if (const auto e = detail::parse_varint(rest, vpos, v); e != decode_error{})
                return fail(e);
            if (type == 2 && v > rest.size() - vpos) return fail(decode_error::truncated);
        }

        r_.next();
        out.number = r_.tag();
        out.type = static_cast<wire_type>(type);
        out.value = 0;
        out.data = {};
        switch (out.type) {
        case wire_type::varint: out.value = r_.get_uint64(); break;
        case wire_type::fixed64: out.value = r_.get_fixed64(); break;
        case wire_type::fixed32: out.value = r_.get_fixed32(); break;
        case wire_type::length_delimited: out.data = detail::view_of(r_.get_view()); break;
        }
        return true;
    } catch (const protozero::end_of_buffer_exception&) {
        return fail(decode_error::truncated);
    } catch (const protozero::varint_too_long_exception&) {
        return fail(decode_error::bad_varint);
    } catch (const protozero::exception&) {
        return fail(decode_error::bad_tag);
    }
}

inline result<std::uint64_t> field::as_uint64() const noexcept {
    if (type != wire_type::varint) return decode_error::unexpected_type;
    return value;
}

inline result<std::uint32_t> field::as_uint32() const noexcept {
    if (type != wire_type::varint) return decode_error::unexpected_type;
    if (value > 0xFFFFFFFFu) return decode_error::out_of_range;
    return static_cast<std::uint32_t>(value);
}

inline result<bool> field::as_bool() const noexcept {
    if (type != wire_type::varint) return decode_error::unexpected_type;
    if (value > 1) return decode_error::out_of_range;
    return value == 1;
}

inline result<std::uint32_t> field::as_fixed32() const noexcept {
    if (type != wire_type::fixed32) return decode_error::unexpected_type;
    return static_cast<std::uint32_t>(value);
}

inline result<std::uint64_t> field::as_fixed64() const noexcept {
    if (type != wire_type::fixed64) return decode_error::unexpected_type;
    return value;
}

inline result<bytes_view> field::as_bytes() const noexcept {
    if (type != wire_type::length_delimited) return decode_error::unexpected_type;
    return data;
}

template <class Sink>
void basic_writer<Sink>::key(std::uint32_t number, wire_type t) {
    if (number == 0 || number > max_field_number)
        throw std::invalid_argument("e2ekit: protobuf field number out of range");
    put_varint(make_key(number, t));
}

template <class Sink>
basic_writer<Sink>& basic_writer<Sink>::put_varint(std::uint64_t v) {
    byte* p = sink_.grow(varint_size(v));
    protozero::add_varint_to_buffer(reinterpret_cast<char*>(p), v);
    return *this;
}

template <class Sink>
basic_writer<Sink>& basic_writer<Sink>::add_uint64(std::uint32_t number, std::uint64_t v) {
    key(number, wire_type::varint);
    return put_varint(v);
}

template <class Sink>
basic_writer<Sink>& basic_writer<Sink>::add_fixed32(std::uint32_t number, std::uint32_t v) {
    key(number, wire_type::fixed32);
    byte* p = sink_.grow(4);
    for (std::size_t i = 0; i < 4; ++i)
        p[i] = static_cast<byte>(v >> (8 * i));
    return *this;
}

template <class Sink>
basic_writer<Sink>& basic_writer<Sink>::add_fixed64(std::uint32_t number, std::uint64_t v) {
    key(number, wire_type::fixed64);
    byte* p = sink_.grow(8);
    for (std::size_t i = 0; i < 8; ++i)
        p[i] = static_cast<byte>(v >> (8 * i));
    return *this;
}

template <class Sink>
basic_writer<Sink>& basic_writer<Sink>::add_bytes(std::uint32_t number, bytes_view v) {
    open_message(number, v.size());
    if (!v.empty()) std::memcpy(sink_.grow(v.size()), v.data(), v.size());
    return *this;
}

template <class Sink>
basic_writer<Sink>& basic_writer<Sink>::open_message(std::uint32_t number, std::size_t size) {
    key(number, wire_type::length_delimited);
    return put_varint(size);
}

} // namespace e2ekit::codec::protobuf

#endif
