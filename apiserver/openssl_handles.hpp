#pragma once

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <memory>

namespace ihpa::apiserver {

/// Frees an OpenSSL object with its own free function.
template <typename T, void (*Free)(T*)>
struct OpensslDeleter {
    void operator()(T* p) const { Free(p); }
};

/// Owning handles of the OpenSSL objects the TLS code uses.
using BioPtr = std::unique_ptr<BIO, OpensslDeleter<BIO, BIO_free_all>>;
using X509Ptr = std::unique_ptr<X509, OpensslDeleter<X509, X509_free>>;
using KeyPtr = std::unique_ptr<EVP_PKEY, OpensslDeleter<EVP_PKEY, EVP_PKEY_free>>;
using StorePtr = std::unique_ptr<X509_STORE, OpensslDeleter<X509_STORE, X509_STORE_free>>;
using StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, OpensslDeleter<X509_STORE_CTX, X509_STORE_CTX_free>>;

} // namespace ihpa::apiserver
