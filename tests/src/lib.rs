//! End-to-end tests of satudata live in `tests/integration/`; this library is empty so that the
//! package has a target besides the one test binary.
