// Bodies of e2ekit/codec/protobuf_message.hpp.
#ifndef E2EKIT_CODEC_IMPL_PROTOBUF_MESSAGE_HPP
#define E2EKIT_CODEC_IMPL_PROTOBUF_MESSAGE_HPP

namespace e2ekit::codec::protobuf::detail {

template <class K>
struct wire_of;
template <>
struct wire_of<kind::uint32> : std::integral_constant<wire_type, wire_type::varint> {};
template <>
struct wire_of<kind::uint64> : std::integral_constant<wire_type, wire_type::varint> {};
template <>
struct wire_of<kind::boolean> : std::integral_constant<wire_type, wire_type::varint> {};
template <>
struct wire_of<kind::bytes> : std::integral_constant<wire_type, wire_type::length_delimited> {};
template <>
struct wire_of<kind::string> : std::integral_constant<wire_type, wire_type::length_delimited> {};
template <>
struct wire_of<kind::message> : std::integral_constant<wire_type, wire_type::length_delimited> {};
template <class K>
struct wire_of<kind::repeated<K>> : wire_of<K> {};

template <class F>
inline constexpr std::size_t key_size = varint_size(make_key(F::number,
                                                             wire_of<typename F::kind>::value));

template <class T>
std::size_t body_size(const T& msg) noexcept;

template <class K, class V>
std::size_t value_size(const V& v) noexcept {
    if constexpr (std::is_same_v<K, kind::boolean>)
        return 1;
    else if constexpr (std::is_same_v<K, kind::uint32> || std::is_same_v<K, kind::uint64>)
        return varint_size(v);
    else if constexpr (std::is_same_v<K, kind::message>) {
        const auto n = body_size(v);
        return varint_size(n) + n;
    } else
        return varint_size(v.size()) + v.size();
}

template <class F>
std::size_t field_size(const typename F::member_type& m) noexcept {
    using K = typename F::kind;
    if constexpr (F::repeated) {
        std::size_t n = 0;
        for (const auto& v : m)
            n += key_size<F> + value_size<typename K::element>(v);
        return n;
    } else if constexpr (F::optional) {
        return m ? key_size<F> + value_size<K>(*m) : 0;
    } else {
        return key_size<F> + value_size<K>(m);
    }
}

template <class T>
std::size_t body_size(const T& msg) noexcept {
    std::size_t n = 0;
    for_each_field<T>([&](auto f, auto) { n += field_size<decltype(f)>(f.get(msg)); });
    return n;
}

template <class T, class Sink>
void put_body(basic_writer<Sink>& w, const T& msg);

template <class K, class V, class Sink>
void put_value(basic_writer<Sink>& w, std::uint32_t number, const V& v) {
    if constexpr (std::is_same_v<K, kind::boolean>)
        w.add_bool(number, v);
    else if constexpr (std::is_same_v<K, kind::uint32> || std::is_same_v<K, kind::uint64>)
        w.add_uint64(number, v);
    else if constexpr (std::is_same_v<K, kind::message>) {
        w.open_message(number, body_size(v));
        put_body(w, v);
    } else
        w.add_bytes(number, bytes_view(reinterpret_cast<const byte*>(v.data()), v.size()));
}

template <class T, class Sink>
void put_body(basic_writer<Sink>& w, const T& msg) {
    for_each_field<T>([&](auto f, auto) {
        using F = decltype(f);
        using K = typename F::kind;
        const auto& m = f.get(msg);
        if constexpr (F::repeated) {
            for (const auto& v : m)
                put_value<typename K::element>(w, F::number, v);
        } else if constexpr (F::optional) {
            if (m) put_value<K>(w, F::number, *m);
        } else {
            put_value<K>(w, F::number, m);
        }
    });
}

template <class T>
result<void> get_body(T& out, bytes_view in, std::size_t depth);

template <class K, class V>
result<void> get_value(V& out, const field& f, std::size_t depth) {
    if constexpr (std::is_same_v<K, kind::boolean>) {
        E2EKIT_TRY(v, f.as_bool());
        out = v;
    } else if constexpr (std::is_same_v<K, kind::uint32>) {
        E2EKIT_TRY(v, f.as_uint32());
        out = v;
    } else if constexpr (std::is_same_v<K, kind::uint64>) {
        E2EKIT_TRY(v, f.as_uint64());
        out = v;
    } else if constexpr (std::is_same_v<K, kind::message>) {
        E2EKIT_TRY(d, f.as_bytes());
        return get_body(out, d, depth - 1);
    } else {
        E2EKIT_TRY(d, f.as_bytes());
        if constexpr (codec::detail::is_byte_array<V>) {
            if (d.size() != out.size()) return decode_error::bad_length;
            std::copy(d.begin(), d.end(), out.begin());
        } else {
            out.assign(reinterpret_cast<const typename V::value_type*>(d.data()),
                       reinterpret_cast<const typename V::value_type*>(d.data()) + d.size());
        }
    }
    return ok();
}

template <class F>
result<void> get_field(typename F::member_type& m, const field& f, bool& seen, std::size_t depth) {
    using K = typename F::kind;
    if (f.type != wire_of<K>::value) return decode_error::unexpected_type;
    if constexpr (F::repeated) {
        m.emplace_back();
        return get_value<typename K::element>(m.back(), f, depth);
    } else {
        if (seen) return decode_error::duplicate_field;
        seen = true;
        if constexpr (F::optional)
            return get_value<K>(m.emplace(), f, depth);
        else
            return get_value<K>(m, f, depth);
    }
}

template <class T>
result<void> get_body(T& out, bytes_view in, std::size_t depth) {
    if (depth == 0) return decode_error::too_deep;
    std::array<bool, field_count_of<T>> seen{};
    reader r(in);
    field f;
    for (;;) {
        E2EKIT_TRY(more, r.next(f));
        if (!more) break;
        result<void> st = ok();
        for_each_field<T>([&](auto d, auto i) {
            if (f.number == decltype(d)::number)
                st = get_field<decltype(d)>(d.get(out), f, seen[i], depth);
        });
        E2EKIT_CHECK(std::move(st));
    }
    result<void> st = ok();
    for_each_field<T>([&](auto d, auto i) {
        if (decltype(d)::required && !seen[i] && st) st = decode_error::missing_field;
    });
    return st;
}

} // namespace e2ekit::codec::protobuf::detail

namespace e2ekit::codec::protobuf {

template <message T>
std::size_t encoded_size(const T& msg) noexcept {
    return detail::body_size(msg);
}

template <message T>
mutable_bytes_view encode_to(mutable_bytes_view out, const T& msg) {
    span_writer w{span_sink(out)};
    detail::put_body(w, msg);
    return w.sink().written();
}

template <message T>
bytes encode(const T& msg) {
    bytes out(detail::body_size(msg));
    encode_to(out, msg);
    return out;
}

template <message T>
result<T> decode(bytes_view wire, std::size_t max_depth) {
    T out{};
    E2EKIT_CHECK(detail::get_body(out, wire, max_depth));
    return out;
}

} // namespace e2ekit::codec::protobuf

#endif
