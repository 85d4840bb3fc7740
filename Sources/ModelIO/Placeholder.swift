// ModelIO: placeholder until its issue lands.
enum _ModelIOPlaceholder {}
