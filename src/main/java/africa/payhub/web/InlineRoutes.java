package africa.payhub.web;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.apache.camel.component.platform.http.springboot.SpringBootPlatformHttpConsumer;
import org.apache.camel.component.platform.http.springboot.SpringBootPlatformHttpEngine;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodReturnValueHandler;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;
import org.springframework.web.servlet.mvc.method.annotation.ServletInvocableHandlerMethod;
import org.springframework.web.method.HandlerMethod;
import org.springframework.validation.method.MethodValidator;
import org.springframework.boot.autoconfigure.web.servlet.WebMvcRegistrations;

/**
 * Camel's platform-http routes run on the server's request thread, start to end. The starter hands every
 * request to a task executor and answers Spring MVC with a future; Spring MVC then starts the servlet's async
 * mode and, once the route is done, dispatches the request a second time through every filter (security,
 * observation, timing) and the dispatcher servlet, only to find the answer already written. Per request
 * that is a thread hop and a second pass through the whole chain, for routes that wait on the database
 * anyway (the server's threads are sized for it: {@code server.tomcat.threads.max}).
 *
 * <p>So the engine runs each route on the calling thread, and a future that is already complete when the
 * route returns is taken as a synchronous answer: an exception it holds goes to Spring MVC's exception
 * handling as a thrown one would. A future still running (none, with the calling thread's executor) is left
 * to Spring MVC's async handling, as before.
 */
@Configuration(proxyBeanMethods = false)
public class InlineRoutes {

    @Bean
    static BeanPostProcessor inlinePlatformHttp() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                if (bean instanceof SpringBootPlatformHttpEngine engine) {
                    return new SpringBootPlatformHttpEngine(engine.getServerPort(), Runnable::run);
                }
                if (bean instanceof RequestMappingHandlerAdapter adapter && adapter.getReturnValueHandlers() != null) {
                    List<HandlerMethodReturnValueHandler> handlers = new ArrayList<>(adapter.getReturnValueHandlers());
                    handlers.add(0, new CompletedRoute(List.copyOf(handlers)));
                    adapter.setReturnValueHandlers(handlers);
                }
                return bean;
            }
        };
    }

    /**
     * Spring MVC's adapter, but for platform-http's one handler method ({@code service(request, response)}) without
     * the method validator: on every request Spring MVC gives the handler it invokes the bean-validation method
     * validator, which looks for {@code @Validated} on the method and up its class hierarchy each time (1.8% of the
     * hub's CPU samples at 300/s), although that method has nothing to validate (no constraint on its parameters or
     * its result, so the validator would never run). Other handlers keep it.
     */
    @Bean
    static WebMvcRegistrations platformHttpWithoutMethodValidation() {
        return new WebMvcRegistrations() {
            @Override
            public RequestMappingHandlerAdapter getRequestMappingHandlerAdapter() {
                return new RequestMappingHandlerAdapter() {
                    @Override
                    protected ServletInvocableHandlerMethod createInvocableHandlerMethod(HandlerMethod handlerMethod) {
                        if (handlerMethod.getBeanType() != SpringBootPlatformHttpConsumer.class) {
                            return super.createInvocableHandlerMethod(handlerMethod);
                        }
                        return new ServletInvocableHandlerMethod(handlerMethod) {
                            @Override
                            public void setMethodValidator(MethodValidator methodValidator) {
                                // nothing of (request, response) is validated
                            }
                        };
                    }
                };
            }
        };
    }

    /** A platform-http route's future, complete: the answer is written, the request handled. */
    static final class CompletedRoute implements HandlerMethodReturnValueHandler {

        private final List<HandlerMethodReturnValueHandler> others;

        CompletedRoute(List<HandlerMethodReturnValueHandler> others) {
            this.others = others;
        }

        @Override
        public boolean supportsReturnType(MethodParameter returnType) {
            return returnType.getContainingClass() == SpringBootPlatformHttpConsumer.class
                    && CompletableFuture.class.isAssignableFrom(returnType.getParameterType());
        }

        @Override
        public void handleReturnValue(Object returnValue, MethodParameter returnType, ModelAndViewContainer mav,
                                      NativeWebRequest webRequest) throws Exception {
            CompletableFuture<?> future = (CompletableFuture<?>) returnValue;
            if (!future.isDone()) {
                for (HandlerMethodReturnValueHandler other : others) {
                    if (other.supportsReturnType(returnType)) {
                        other.handleReturnValue(returnValue, returnType, mav, webRequest);
                        return;
                    }
                }
                throw new IllegalStateException("no handler for a platform-http route still running");
            }
            try {
                future.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof Exception cause ? cause : e;
            }
            mav.setRequestHandled(true);
        }
    }
}
