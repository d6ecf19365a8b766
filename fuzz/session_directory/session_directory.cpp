// Fuzzes the device directory's stored form (session/directory.hpp): the
// input is the stored value of one owner. Reading it gives a list or
// `bad_directory` (or a JSON limit); a list that reads is applied a new
// device list to, and what that writes must read back with the change in it.
#include <e2ekit/session/directory.hpp>

#include <e2ekit/storage/memory_store.hpp>

#include <cstdint>
#include <cstdlib>

using namespace e2ekit;

namespace {
void require(bool ok) {
    if (!ok) std::abort();
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    storage::memory_store store;
    if (!storage::put_one(store, session::directory_namespace, "owner", bytes_view(data, size)))
        return 0;
    session::device_directory<storage::memory_store> dir(store);
    auto known = dir.devices("owner");
    if (!known) return 0;
    for (std::size_t i = 1; i < known->size(); ++i)
        require((*known)[i - 1].id < (*known)[i].id);
    const session::listed_device listed[] = {{1, "one"}, {0xffffffffu, ""}};
    auto change = dir.apply_list_now("owner", "urn:xmpp:omemo:2", listed);
    if (!change) {
        require(change.error() == session::session_error::too_large);
        return 0;
    }
    auto again = dir.devices("owner");
    require(again.has_value());
    std::size_t active = 0;
    for (const auto& d : *again)
        active += d.active_in("urn:xmpp:omemo:2") ? 1 : 0;
    require(active == 2);
    return 0;
}
