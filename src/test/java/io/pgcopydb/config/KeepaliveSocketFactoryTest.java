package io.pgcopydb.config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

import jdk.net.ExtendedSocketOptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/** The keepalive timings really reach the connected socket (on 127.0.0.1). */
class KeepaliveSocketFactoryTest {

	@Test
	void timingsAreSetOnTheSocketAndSurviveConnect() throws IOException {
		try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
				Socket socket = new KeepaliveSocketFactory("41,7,4").createSocket()) {
			assumeThat(socket.supportedOptions()).as("TCP_KEEPIDLE exists on Linux and macOS")
				.contains(ExtendedSocketOptions.TCP_KEEPIDLE);
			socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), 5000);
			socket.setKeepAlive(true);
			assertThat(socket.getOption(ExtendedSocketOptions.TCP_KEEPIDLE)).isEqualTo(41);
			assertThat(socket.getOption(ExtendedSocketOptions.TCP_KEEPINTERVAL)).isEqualTo(7);
			assertThat(socket.getOption(ExtendedSocketOptions.TCP_KEEPCOUNT)).isEqualTo(4);
		}
	}

	@Test
	void zeroKeepsTheSystemDefault() throws IOException {
		try (Socket plain = new Socket(); Socket socket = new KeepaliveSocketFactory("0,0,0").createSocket()) {
			assumeThat(socket.supportedOptions()).contains(ExtendedSocketOptions.TCP_KEEPIDLE);
			assertThat(socket.getOption(ExtendedSocketOptions.TCP_KEEPIDLE))
				.isEqualTo(plain.getOption(ExtendedSocketOptions.TCP_KEEPIDLE));
		}
	}

	@Test
	void argumentRoundTrips() {
		assertThat(KeepaliveSocketFactory.argument(30, 0, 5)).isEqualTo("30,0,5");
		assertThatThrownBy(() -> new KeepaliveSocketFactory("30")).isInstanceOf(IllegalArgumentException.class);
	}

}
