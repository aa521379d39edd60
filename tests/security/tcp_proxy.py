"""A TCP proxy to PostgreSQL that a test stops and starts again: stopped, it
refuses connections and cuts the open ones, as a database that went away."""
import socket
import threading

from ..server import free_port


class TcpProxy:

    def __init__(self, target=('127.0.0.1', 5432)):
        self.target = target
        self.port = free_port()
        self.listener = None
        self.sockets = set()
        self.lock = threading.Lock()

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def start(self):
        self.listener = socket.create_server(
            ('127.0.0.1', self.port), reuse_port=False)
        threading.Thread(target=self._accept, args=(self.listener,),
            daemon=True).start()

    def stop(self):
        # shutdown wakes the thread blocked in accept(); close alone may not
        try:
            self.listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.listener.close()
        with self.lock:
            sockets, self.sockets = self.sockets, set()
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.sockets |= {client, server}
            for source, sink in [(client, server), (server, client)]:
                threading.Thread(target=self._pump, args=(source, sink),
                    daemon=True).start()

    @staticmethod
    def _pump(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
