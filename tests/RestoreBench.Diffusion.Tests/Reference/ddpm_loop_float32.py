# Replays diffusers' DDPM step (fixed-small, clip 1, epsilon) in float32 torch, as its tests run it:
# reproduces the published 258.9606 and 387.9466. Tests do not run it.
import torch
T=1000
betas=torch.linspace(0.0001,0.02,T,dtype=torch.float32)
alphas=1-betas
ac=torch.cumprod(alphas,0)
def deter(flip=False):
    n=768
    s=torch.arange(n)
    if flip: s=s.flip(-1)
    s=s.reshape(3,8,8,4)/n
    return s.permute(3,0,1,2)
def step(mo,t,sample,gen):
    prev_t=t-1
    apt=ac[t]; app=ac[prev_t] if prev_t>=0 else torch.tensor(1.0)
    bpt=1-apt; bpp=1-app
    cat=apt/app; cbt=1-cat
    x0=(sample-bpt**0.5*mo)/apt**0.5
    x0=x0.clamp(-1,1)
    prev=(app**0.5*cbt/bpt)*x0+(cat**0.5*bpp/bpt)*sample
    if t>0:
        noise=torch.randn(mo.shape,generator=gen,dtype=mo.dtype)
        var=(1-app)/(1-apt)*cbt
        var=torch.clamp(var,min=1e-20)
        prev=prev+var**0.5*noise
    return prev
gen=torch.manual_seed(0)
s=deter()
for t in reversed(range(T)):
    s=step(s*t/(t+1),t,s,gen)
print("noloop",s.abs().sum().item())
gen=torch.manual_seed(0)
ts=torch.arange(0,T).flip(0)[998:]
s=deter(); n=deter(True)
t0=ts[0]
s=ac[t0]**0.5*s+(1-ac[t0])**0.5*n
for t in ts:
    s=step(s*t/(t+1),int(t),s,gen)
print("noise",s.abs().sum().item(), s.abs().mean().item())
