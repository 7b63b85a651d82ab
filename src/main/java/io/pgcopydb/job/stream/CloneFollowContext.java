package io.pgcopydb.job.stream;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import io.pgcopydb.job.clone.CloneContext;
import io.pgcopydb.job.clone.CloneRequest;

/**
 * The context of {@code clone --follow}: both jobs' beans on the one repository, and each
 * half's request taken out of the command's.
 */
@Configuration(proxyBeanMethods = false)
@Import({ CloneContext.class, FollowContext.class })
public class CloneFollowContext {

	@Bean
	CloneRequest cloneRequest(CloneFollowRequest request) {
		return request.copy();
	}

	@Bean
	FollowRequest followRequest(CloneFollowRequest request) {
		return request.follow();
	}

}
