package io.pgcopydb.config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketOption;

import javax.net.SocketFactory;

import jdk.net.ExtendedSocketOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP sockets of a connection string with libpq's {@code keepalives_idle},
 * {@code keepalives_interval} and {@code keepalives_count}: PgJDBC only switches
 * {@code SO_KEEPALIVE} on or off ({@code tcpKeepAlive}), so this factory sets
 * {@code TCP_KEEPIDLE}, {@code TCP_KEEPINTERVAL} and {@code TCP_KEEPCOUNT} on each new
 * socket, before PgJDBC connects it and turns keepalives on.
 * <p>
 * PgJDBC instantiates it by name ({@code socketFactory}) with its
 * {@code socketFactoryArg}, {@code idle,interval,count} in seconds (count in probes), 0
 * meaning the system default as in libpq; that is why it is public. An option the
 * platform lacks (TCP_KEEPIDLE is Linux and macOS only) is skipped with a debug line, as
 * libpq ignores these settings where the system has no such option.
 */
public final class KeepaliveSocketFactory extends SocketFactory {

	private static final Logger logger = LoggerFactory.getLogger(KeepaliveSocketFactory.class);

	private final int idle;

	private final int interval;

	private final int count;

	/**
	 * @param argument {@code idle,interval,count}, as {@link #argument} writes it
	 */
	public KeepaliveSocketFactory(String argument) {
		String[] parts = (argument != null) ? argument.split(",", -1) : new String[0];
		if (parts.length != 3) {
			throw new IllegalArgumentException("expected idle,interval,count, got " + argument);
		}
		this.idle = Integer.parseInt(parts[0]);
		this.interval = Integer.parseInt(parts[1]);
		this.count = Integer.parseInt(parts[2]);
	}

	/** The {@code socketFactoryArg} for these timings (0: the system default). */
	static String argument(int idle, int interval, int count) {
		return idle + "," + interval + "," + count;
	}

	@Override
	public Socket createSocket() throws IOException {
		Socket socket = new Socket();
		set(socket, ExtendedSocketOptions.TCP_KEEPIDLE, this.idle);
		set(socket, ExtendedSocketOptions.TCP_KEEPINTERVAL, this.interval);
		set(socket, ExtendedSocketOptions.TCP_KEEPCOUNT, this.count);
		return socket;
	}

	@Override
	public Socket createSocket(String host, int port) throws IOException {
		Socket socket = createSocket();
		socket.connect(new InetSocketAddress(host, port));
		return socket;
	}

	@Override
	public Socket createSocket(InetAddress address, int port) throws IOException {
		Socket socket = createSocket();
		socket.connect(new InetSocketAddress(address, port));
		return socket;
	}

	@Override
	public Socket createSocket(String host, int port, InetAddress localAddress, int localPort) throws IOException {
		Socket socket = createSocket();
		socket.bind(new InetSocketAddress(localAddress, localPort));
		socket.connect(new InetSocketAddress(host, port));
		return socket;
	}

	@Override
	public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
			throws IOException {
		Socket socket = createSocket();
		socket.bind(new InetSocketAddress(localAddress, localPort));
		socket.connect(new InetSocketAddress(address, port));
		return socket;
	}

	private static void set(Socket socket, SocketOption<Integer> option, int value) throws SocketException {
		if (value <= 0) {
			return;
		}
		if (!socket.supportedOptions().contains(option)) {
			logger.debug("{} is not supported here: keeping the system default", option.name());
			return;
		}
		try {
			socket.setOption(option, value);
		}
		catch (UnsupportedOperationException ex) {
			logger.debug("{} cannot be set here: keeping the system default ({})", option.name(), ex.getMessage());
		}
		catch (IOException ex) {
			throw new SocketException("cannot set " + option.name() + "=" + value + ": " + ex.getMessage());
		}
	}

}
