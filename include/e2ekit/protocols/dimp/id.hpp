// MKM identifiers: `name@address/terminal` (mkm/protocol/identifier.py).
// The name is the type-1 meta's seed and may be absent (BTC and ETH metas
// have none); the terminal names a device and is optional. The entity
// type, and so user or group, comes from the address (address.hpp).
//
// | text                                  | name     | address            | terminal |
// |---------------------------------------|----------|--------------------|----------|
// | `alice@17K4BBPX...WZ/phone-1`         | alice    | BTC-style, 0x00    | phone-1  |
// | `0x2c7536E3...5c23`                   | (none)   | ETH-style          | (none)   |
// | `anyone@anywhere`, `everyone@everywhere` | ...   | broadcast 0x80/0x81|          |
//
// Parsing is stricter than the reference (which takes the text before a
// second '/' and an empty name): a name or terminal is non-empty, holds no
// '@' or '/', and the whole ID is at most `max_chars` bytes.
#ifndef E2EKIT_PROTOCOLS_DIMP_ID_HPP
#define E2EKIT_PROTOCOLS_DIMP_ID_HPP

#include <e2ekit/core/result.hpp>
#include <e2ekit/protocols/dimp/address.hpp>
#include <e2ekit/protocols/dimp/error.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace e2ekit::protocols::dimp {

class id {
public:
    static constexpr std::size_t max_chars = 512;

    /// Reads an ID: `invalid_id` for a malformed shape, the address's own
    /// error for the part after '@', `too_large` beyond max_chars.
    static result<id> parse(std::string_view text);

    /// Joins the parts as the reference does (`Identifier.concat`); an empty
    /// name or terminal is left out.
    static id make(std::string_view name, dimp::address addr, std::string_view terminal = {});

    static id anyone() { return make("anyone", dimp::address::anywhere()); }
    static id everyone() { return make("everyone", dimp::address::everywhere()); }
    /// DIM's founder, `moky@anywhere` (mkm/protocol/broadcast.py).
    static id founder() { return make("moky", dimp::address::anywhere()); }

    const std::string& str() const noexcept { return text_; }
    const std::optional<std::string>& name() const noexcept { return name_; }
    const dimp::address& address() const noexcept { return address_; }
    const std::optional<std::string>& terminal() const noexcept { return terminal_; }

    /// The entity type of the address (MKM 0.9 bytes mapped).
    std::uint8_t type() const noexcept { return address_.type(); }
    bool is_user() const noexcept { return address_.is_user(); }
    bool is_group() const noexcept { return address_.is_group(); }
    bool is_broadcast() const noexcept { return address_.is_broadcast(); }

    /// The same ID without its terminal: `name@address`, the form message
    /// key maps are indexed by (sdk-py dimsdk/crypto/bundle.py).
    id without_terminal() const {
        return make(name_ ? std::string_view(*name_) : std::string_view{}, address_);
    }

    /// IDs are equal when their texts are, as the reference compares them.
    friend bool operator==(const id& a, const id& b) noexcept { return a.text_ == b.text_; }

private:
    id(std::string text, std::optional<std::string> name, dimp::address addr,
       std::optional<std::string> terminal)
        : text_(std::move(text)), name_(std::move(name)), address_(std::move(addr)),
          terminal_(std::move(terminal)) {}

    std::string text_;
    std::optional<std::string> name_;
    dimp::address address_;
    std::optional<std::string> terminal_;
};

inline id id::make(std::string_view name, dimp::address addr, std::string_view terminal) {
    std::string text;
    if (!name.empty()) text.append(name).append("@");
    text.append(addr.str());
    if (!terminal.empty()) text.append("/").append(terminal);
    return id(std::move(text), name.empty() ? std::nullopt : std::optional<std::string>(name),
              std::move(addr),
              terminal.empty() ? std::nullopt : std::optional<std::string>(terminal));
}

inline result<id> id::parse(std::string_view text) {
    if (text.size() > max_chars) return dimp_error::too_large;
    std::string_view rest = text;
    std::optional<std::string> terminal;
    if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
        const std::string_view t = rest.substr(slash + 1);
        if (t.empty() || t.find('/') != std::string_view::npos) return dimp_error::invalid_id;
        terminal = std::string(t);
        rest = rest.substr(0, slash);
    }
    std::optional<std::string> name;
    if (const auto at = rest.find('@'); at != std::string_view::npos) {
        const std::string_view n = rest.substr(0, at);
        if (n.empty()) return dimp_error::invalid_id;
        name = std::string(n);
        rest = rest.substr(at + 1);
        if (rest.find('@') != std::string_view::npos) return dimp_error::invalid_id;
    }
    if (rest.empty()) return dimp_error::invalid_id;
    E2EKIT_TRY(addr, dimp::address::parse(rest));
    return id(std::string(text), std::move(name), std::move(addr), std::move(terminal));
}

} // namespace e2ekit::protocols::dimp

#endif
