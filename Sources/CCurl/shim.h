#include <curl/curl.h>

// libcurl is not linked: Classifier opens it with dlopen at the first download, so an idle
// kernel does not map it and its TLS, LDAP, SSH and Kerberos libraries (3.5 MiB resident).
// Only the header's types and constants are used from here.
//
// curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call: these typed
// wrappers call them through the pointer dlsym returned (`fn`).
typedef CURLcode (*tabby_curl_setopt_fn)(CURL *, CURLoption, ...);
typedef CURLcode (*tabby_curl_getinfo_fn)(CURL *, CURLINFO, ...);

static inline CURLcode tabby_curl_setopt_long(void *fn, CURL *h, CURLoption o, long v) {
  return ((tabby_curl_setopt_fn)fn)(h, o, v);
}
static inline CURLcode tabby_curl_setopt_ptr(void *fn, CURL *h, CURLoption o, void *v) {
  return ((tabby_curl_setopt_fn)fn)(h, o, v);
}
static inline CURLcode tabby_curl_setopt_str(void *fn, CURL *h, CURLoption o, const char *v) {
  return ((tabby_curl_setopt_fn)fn)(h, o, v);
}
static inline CURLcode tabby_curl_setopt_write(
    void *fn, CURL *h, size_t (*f)(char *, size_t, size_t, void *)) {
  return ((tabby_curl_setopt_fn)fn)(h, CURLOPT_WRITEFUNCTION, f);
}
static inline CURLcode tabby_curl_setopt_xferinfo(
    void *fn, CURL *h, int (*f)(void *, curl_off_t, curl_off_t, curl_off_t, curl_off_t)) {
  return ((tabby_curl_setopt_fn)fn)(h, CURLOPT_XFERINFOFUNCTION, f);
}
static inline CURLcode tabby_curl_getinfo_long(void *fn, CURL *h, CURLINFO i, long *v) {
  return ((tabby_curl_getinfo_fn)fn)(h, i, v);
}
