"""A TCP-to-unix-socket forwarder for the tests: listens on 127.0.0.1:PORT and relays each
connection to the PostgreSQL unix socket given. Killed with SIGKILL, it drops every relayed
connection at once without a word of the PostgreSQL protocol, as a crashed server or a
broken network does ("server closed the connection unexpectedly")."""
import asyncio
import sys


async def relay(reader, writer):
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


async def serve(port, socket_path):
    async def on_client(client_reader, client_writer):
        server_reader, server_writer = await asyncio.open_unix_connection(socket_path)
        await asyncio.gather(relay(client_reader, server_writer), relay(server_reader, client_writer))

    server = await asyncio.start_server(on_client, "127.0.0.1", port, reuse_address=True)
    print("listening", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1]), sys.argv[2]))
