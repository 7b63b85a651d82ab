package io.pgcopydb.cdc.decode;

/** The output plugins a follow can use ({@code --plugin}), pgcopydb's three. */
public enum Plugin {

	PGOUTPUT("pgoutput"), TEST_DECODING("test_decoding"), WAL2JSON("wal2json");

	private final String pluginName;

	Plugin(String pluginName) {
		this.pluginName = pluginName;
	}

	/** The name the server knows it by. */
	public String pluginName() {
		return this.pluginName;
	}

	/** Whether the plugin needs a publication ({@code publication_names}). */
	public boolean needsPublication() {
		return this == PGOUTPUT;
	}

}
