// PasswordHash: placeholder until its issue lands.
enum _PasswordHashPlaceholder {}
