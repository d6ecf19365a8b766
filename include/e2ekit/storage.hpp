// The storage layer: the store concept, batches, and the shipped stores
// (memory, filesystem), the per-account view and the type-erased store.
#ifndef E2EKIT_STORAGE_HPP
#define E2EKIT_STORAGE_HPP

#include <e2ekit/storage/any_store.hpp>
#include <e2ekit/storage/batch.hpp>
#include <e2ekit/storage/concept.hpp>
#include <e2ekit/storage/error.hpp>
#include <e2ekit/storage/file_io.hpp>
#include <e2ekit/storage/filesystem_store.hpp>
#include <e2ekit/storage/memory_store.hpp>
#include <e2ekit/storage/scoped.hpp>

#endif
