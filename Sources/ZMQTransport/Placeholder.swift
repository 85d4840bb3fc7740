// ZMQTransport: placeholder until its issue lands.
enum _ZMQTransportPlaceholder {}
