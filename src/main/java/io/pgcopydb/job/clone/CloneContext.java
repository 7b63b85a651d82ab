package io.pgcopydb.job.clone;

import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;

/** The beans of the clone job, added to a command's context when it runs a clone. */
@Configuration(proxyBeanMethods = false)
@ComponentScan({ "io.pgcopydb.job.clone", "io.pgcopydb.progress" })
public class CloneContext {

}
