// Generated with jupyter_client 8.10 (Session.serialize): a signed execute_request.
// The frames are kept byte for byte; do not reformat.
enum JupyterClientFixture {
  static let key = #"tabby-fixture-key-é"#
  static let scheme = "hmac-sha256"
  static let frames: [String] = [
    #"client-identity"#,
    #"<IDS|MSG>"#,
    #"86a00fb34c7356f525e8d4f0fcc0f3007a7bb0c2666aafe83a986d6a2bf2d215"#,
    #"{"msg_id": "8f1c0e8e-2f7a-4d7e-9c59-5f3a2c1b9d10_15913_0", "msg_type": "execute_request", "username": "alice", "session": "8f1c0e8e-2f7a-4d7e-9c59-5f3a2c1b9d10", "date": "2026-11-23T23:04:15.892449Z", "version": "5.4"}"#,
    #"{}"#,
    #"{}"#,
    #"{"code": "print(\"héllo\")\n1+2", "silent": false, "store_history": true, "user_expressions": {}, "allow_stdin": true, "stop_on_error": true}"#,
  ]
}
